"""Agent frameworks nobody here wrote, unmodified, run a tool loop against the fake provider.

The contract: a question that needs a tool gets one call with arguments from the user's words, the
tool's result comes back, and the next reply answers from it. Two model calls, never a loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import anthropic
import openai
import pytest
from pydantic import BaseModel

from chaos.testing import FiredrillServer, firedrill_server


@pytest.fixture(scope="module")
def server() -> Iterator[FiredrillServer]:
    with firedrill_server() as srv:
        yield srv


def _model_calls(server: FiredrillServer, since: int) -> int:
    return len(server.exchanges) - since


def test_openai_agents_with_chat_completions_answers_from_the_tool_in_two_calls(server: FiredrillServer) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)
    asked: list[str] = []

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(city)
        return f"Sunny, 22°C in {city}"

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    agent = Agent(name="weather", instructions="You are a helpful assistant.", tools=[get_weather],
                  model=OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client))
    before = len(server.exchanges)
    result = asyncio.run(Runner.run(agent, "What's the weather in Paris?", max_turns=4))
    assert asked == ["Paris"]
    assert "Sunny, 22°C" in result.final_output
    assert _model_calls(server, before) == 2
    assert result.raw_responses[0].usage.requests == 1


def test_openai_agents_with_structured_output_after_a_tool(server: FiredrillServer) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)

    class Forecast(BaseModel):
        city: str
        summary: str

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return f"Rain, 9°C in {city}"

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    agent = Agent(name="weather", tools=[get_weather], output_type=Forecast,
                  model=OpenAIChatCompletionsModel(model="gpt-4.1-mini", openai_client=client))
    before = len(server.exchanges)
    result = asyncio.run(Runner.run(agent, "Weather in Lisbon please?", max_turns=4))
    assert isinstance(result.final_output, Forecast)
    assert result.final_output.city == "Lisbon" and "Rain" in result.final_output.summary
    assert _model_calls(server, before) == 2


def _pydantic_ai_openai(server: FiredrillServer, model: str, **kwargs: object):  # type: ignore[no-untyped-def]
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    return Agent(OpenAIChatModel(model, provider=OpenAIProvider(openai_client=client)), **kwargs)


def test_pydantic_ai_with_openai_calls_the_tool_once_then_answers(server: FiredrillServer) -> None:
    agent = _pydantic_ai_openai(server, "gpt-4o-mini")
    asked: list[str] = []

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(city)
        return f"Rainy, 11°C in {city}"

    result = agent.run_sync("What's the weather like in Berlin?")
    assert asked == ["Berlin"]
    assert "Rainy, 11°C" in result.output
    assert result.usage.requests == 2 and result.usage.tool_calls == 1


def test_pydantic_ai_structured_output_tool_is_filled_from_the_tool_result(server: FiredrillServer) -> None:
    class Weather(BaseModel):
        city: str
        temperature_c: float
        summary: str

    agent = _pydantic_ai_openai(server, "gpt-4o", output_type=Weather)

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return f"Rainy, 11°C in {city}"

    result = agent.run_sync("What's the weather like in Berlin?")
    assert result.output.city == "Berlin" and result.output.temperature_c == 11
    assert result.usage.requests == 2


def test_pydantic_ai_without_a_needed_tool_answers_directly(server: FiredrillServer) -> None:
    agent = _pydantic_ai_openai(server, "gpt-4o")

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        raise AssertionError("a greeting needs no weather")

    result = agent.run_sync("Hello!")
    assert result.usage.requests == 1 and "Hello" in result.output


def test_pydantic_ai_with_anthropic_calls_the_tool_once_then_answers(server: FiredrillServer) -> None:
    from pydantic_ai import Agent
    from pydantic_ai.models.anthropic import AnthropicModel
    from pydantic_ai.providers.anthropic import AnthropicProvider

    client = anthropic.AsyncAnthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    agent = Agent(AnthropicModel("claude-sonnet-4-5", provider=AnthropicProvider(anthropic_client=client)))

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return f"Windy, 5°C in {city}"

    try:
        result = agent.run_sync("What's the weather like in Oslo?")
    except TypeError as exc:  # pydantic-ai-slim 2.38 builds BetaMessageParam, a Union in anthropic 2.15
        if "Cannot instantiate typing.Union" not in str(exc):
            raise
        pytest.skip("this pydantic-ai release cannot build Anthropic requests with the installed anthropic SDK")
    assert "Windy, 5°C" in result.output and result.usage.requests == 2


@pytest.mark.parametrize("model", ["gpt-4o", "o4-mini"])
def test_openai_agents_with_the_responses_api_answers_from_the_tool_in_two_calls(server: FiredrillServer,
                                                                                  model: str) -> None:
    from agents import Agent, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)
    asked: list[str] = []

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(city)
        return f"Sunny, 22°C in {city}"

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    agent = Agent(name="weather", instructions="You are a helpful assistant.", tools=[get_weather],
                  model=OpenAIResponsesModel(model=model, openai_client=client))
    result = asyncio.run(Runner.run(agent, "What's the weather in Paris?", max_turns=4))
    assert asked == ["Paris"] and "Sunny, 22°C" in result.final_output
    assert len(result.raw_responses) == 2


def test_pydantic_ai_with_the_responses_api_calls_the_tool_once_then_answers(server: FiredrillServer) -> None:
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    agent = Agent(OpenAIResponsesModel("gpt-4.1", provider=OpenAIProvider(openai_client=client)))

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return f"Rainy, 11°C in {city}"

    result = agent.run_sync("What's the weather like in Berlin?")
    assert "Rainy, 11°C" in result.output and result.usage.requests == 2


def test_openai_agents_handoff_then_the_specialists_tool(server: FiredrillServer) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)
    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    model = OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client)

    @function_tool
    def refund_status(order_id: str) -> str:
        """Look up the refund status of an order."""
        return f"Refund for order {order_id} was issued on 2026-11-02."

    refunds = Agent(name="Refund agent", handoff_description="Handles refund questions", tools=[refund_status],
                    model=model)
    triage = Agent(name="Triage", instructions="Route the user.", handoffs=[refunds], model=model)
    result = asyncio.run(Runner.run(triage, "Where is the refund for order 5521?", max_turns=6))
    assert result.last_agent.name == "Refund agent" and len(result.raw_responses) == 3
    assert "issued on 2026-11-02" in result.final_output


def test_a_rag_agent_searches_when_its_context_does_not_answer(server: FiredrillServer) -> None:
    agent = _pydantic_ai_openai(server, "gpt-4o", instructions="Answer only from the context or your tools.")
    queries: list[str] = []

    @agent.tool_plain
    def search_docs(query: str) -> str:
        """Search the product documentation."""
        queries.append(query)
        return ("[doc:auth-2] To reset your password, open Settings > Security and choose Reset password. "
                "The link is valid for 30 minutes.")

    result = agent.run_sync("How do I reset my password?")
    assert queries == ["reset my password"]
    assert "Settings > Security" in result.output and result.usage.requests == 2
    greeting = agent.run_sync("Hello!")
    assert greeting.usage.requests == 1 and len(queries) == 1


def test_openai_agents_input_guardrail_trips_only_on_what_it_guards_against(server: FiredrillServer) -> None:
    """The SDK's own guardrail example: a classifier agent's ``is_homework`` decides the tripwire."""
    from agents import (
        Agent,
        GuardrailFunctionOutput,
        InputGuardrailTripwireTriggered,
        OpenAIChatCompletionsModel,
        Runner,
        input_guardrail,
        set_tracing_disabled,
    )

    set_tracing_disabled(True)

    class HomeworkOutput(BaseModel):
        is_homework: bool
        reasoning: str

    async def run(question: str) -> str:
        client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
        model = OpenAIChatCompletionsModel(model="gpt-4o-mini", openai_client=client)
        check = Agent(name="Guardrail check", instructions="Check if the user is asking you to do their homework.",
                      output_type=HomeworkOutput, model=model)

        @input_guardrail
        async def homework(ctx, agent, input):  # type: ignore[no-untyped-def]  # noqa: A002, ANN001, ARG001
            result = await Runner.run(check, input, context=ctx.context)
            return GuardrailFunctionOutput(output_info=result.final_output,
                                           tripwire_triggered=result.final_output.is_homework)

        agent = Agent(name="Support", instructions="Help the customer.", input_guardrails=[homework], model=model)
        return str((await Runner.run(agent, question)).final_output)

    assert asyncio.run(run("Hello, what can you do?"))
    with pytest.raises(InputGuardrailTripwireTriggered):
        asyncio.run(run("Can you solve my algebra homework: 2x + 3 = 11?"))
