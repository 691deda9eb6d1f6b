"""Chained tools: the model calls the tool the question needs now, reads its result, then calls the
next one with a value taken from that result, and answers from both.

"Look up the weather in the city where order 42 ships": the user never names the city, so
get_weather waits; get_order(42) comes first, its result names Lisbon, then get_weather(Lisbon),
then the answer. Over the raw SDKs (chat, Responses, Anthropic) and agent frameworks nobody here wrote.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anthropic
import openai
import pytest

from chaos.testing import FiredrillServer

QUESTION = "Look up the weather in the city where order 42 ships"
ORDER = {"type": "function", "function": {
    "name": "get_order", "description": "Look up an order by its id.",
    "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}}
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def order_json(order_id: str) -> str:
    return json.dumps({"order_id": order_id, "status": "shipped",
                       "ship_to": {"city": "Lisbon", "country": "Portugal"}})


def weather_text(city: str) -> str:
    return f"Sunny, 22°C in {city}"


def _chat_loop(client: openai.OpenAI, question: str, outputs: dict[str, Any],
               tools: list[dict[str, Any]]) -> tuple[list[list[tuple[str, dict[str, Any]]]], str]:
    """Run the agent loop by hand: (the calls of each model turn, the final answer)."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    turns = []
    for _ in range(6):
        choice = client.chat.completions.create(model="gpt-4o", messages=messages, tools=tools).choices[0]  # type: ignore[arg-type]
        calls = choice.message.tool_calls or []
        if not calls:
            assert choice.finish_reason == "stop"
            return turns, choice.message.content or ""
        assert choice.finish_reason == "tool_calls"
        turns.append([(c.function.name, json.loads(c.function.arguments)) for c in calls])  # type: ignore[union-attr]
        messages.append(choice.message.model_dump(exclude_none=True))
        for c in calls:
            args = json.loads(c.function.arguments)  # type: ignore[union-attr]
            messages.append({"role": "tool", "tool_call_id": c.id,
                             "content": outputs[c.function.name](*args.values())})  # type: ignore[union-attr]
    raise AssertionError(f"the loop did not end: {turns}")


def test_the_second_tool_is_called_with_the_city_from_the_first_tools_json(client: openai.OpenAI) -> None:
    turns, answer = _chat_loop(client, QUESTION, {"get_order": order_json, "get_weather": weather_text},
                               [ORDER, WEATHER])
    assert turns == [[("get_order", {"order_id": "42"})], [("get_weather", {"city": "Lisbon"})]]
    assert "Sunny, 22°C in Lisbon" in answer


def test_the_value_can_come_from_a_plain_text_result(client: openai.OpenAI) -> None:
    turns, answer = _chat_loop(client, "What's the weather like where order A-1009 is being delivered?",
                               {"get_order": lambda i: f"Order {i} ships to Porto on Friday.",
                                "get_weather": weather_text}, [ORDER, WEATHER])
    assert turns == [[("get_order", {"order_id": "A-1009"})], [("get_weather", {"city": "Porto"})]]
    assert "Sunny, 22°C in Porto" in answer


def test_independent_needs_are_still_one_parallel_turn(client: openai.OpenAI) -> None:
    turns, answer = _chat_loop(client, "What's the weather in Oslo and where does order 7 ship?",
                               {"get_order": order_json, "get_weather": weather_text}, [ORDER, WEATHER])
    assert len(turns) == 1 and sorted(turns[0]) == [("get_order", {"order_id": "7"}),
                                                     ("get_weather", {"city": "Oslo"})]
    assert "Lisbon" in answer and "Sunny, 22°C in Oslo" in answer


def test_when_the_first_result_does_not_give_the_value_the_model_answers(client: openai.OpenAI) -> None:
    turns, answer = _chat_loop(client, QUESTION, {"get_order": lambda i: "Error: no order with that id.",
                                                  "get_weather": weather_text}, [ORDER, WEATHER])
    assert turns == [[("get_order", {"order_id": "42"})]]
    assert "no order with that id" in answer


def test_one_tool_whose_value_the_user_gave_is_one_call(client: openai.OpenAI) -> None:
    turns, answer = _chat_loop(client, "What's the weather in Paris?", {"get_weather": weather_text},
                               [ORDER, WEATHER])
    assert turns == [[("get_weather", {"city": "Paris"})]] and "Sunny, 22°C in Paris" in answer


def test_responses_api_chains_function_calls(client: openai.OpenAI) -> None:
    tools = [{"type": "function", **t["function"]} for t in (ORDER, WEATHER)]  # type: ignore[dict-item]
    items: list[Any] = [{"role": "user", "content": QUESTION}]
    made = []
    for _ in range(5):
        r = client.responses.create(model="gpt-4.1", input=items, tools=tools)  # type: ignore[arg-type]
        calls = [o for o in r.output if o.type == "function_call"]
        if not calls:
            break
        made.append([(c.name, json.loads(c.arguments)) for c in calls])  # type: ignore[union-attr]
        items += [c.model_dump(exclude_none=True) for c in calls]
        for c in calls:
            args = json.loads(c.arguments)  # type: ignore[union-attr]
            out = order_json(**args) if c.name == "get_order" else weather_text(**args)  # type: ignore[union-attr]
            items.append({"type": "function_call_output", "call_id": c.call_id, "output": out})  # type: ignore[union-attr]
    assert made == [[("get_order", {"order_id": "42"})], [("get_weather", {"city": "Lisbon"})]]
    assert "Sunny, 22°C in Lisbon" in r.output_text


def test_anthropic_chains_tool_use(server: FiredrillServer) -> None:
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    tools = [{"name": t["function"]["name"], "description": t["function"]["description"],  # type: ignore[index]
              "input_schema": t["function"]["parameters"]} for t in (ORDER, WEATHER)]  # type: ignore[index]
    messages: list[dict[str, Any]] = [{"role": "user", "content": QUESTION}]
    made = []
    for _ in range(5):
        m = client.messages.create(model="claude-sonnet-4-6", max_tokens=800, tools=tools,  # type: ignore[arg-type]
                                   messages=messages)  # type: ignore[arg-type]
        uses = [b for b in m.content if b.type == "tool_use"]
        if not uses:
            assert m.stop_reason == "end_turn"
            break
        assert m.stop_reason == "tool_use"
        made.append([(u.name, u.input) for u in uses])  # type: ignore[union-attr]
        messages += [{"role": "assistant", "content": [b.model_dump() for b in m.content]},
                     {"role": "user", "content": [
                         {"type": "tool_result", "tool_use_id": u.id,  # type: ignore[union-attr]
                          "content": order_json(**u.input) if u.name == "get_order"  # type: ignore[union-attr]
                          else weather_text(**u.input)} for u in uses]}]  # type: ignore[union-attr]
    assert made == [[("get_order", {"order_id": "42"})], [("get_weather", {"city": "Lisbon"})]]
    assert "Sunny, 22°C in Lisbon" in m.content[-1].text  # type: ignore[union-attr]


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_openai_agents_chains_two_tools_in_three_model_calls(server: FiredrillServer, api: str) -> None:
    from agents import (
        Agent,
        OpenAIChatCompletionsModel,
        OpenAIResponsesModel,
        Runner,
        function_tool,
        set_tracing_disabled,
    )

    set_tracing_disabled(True)
    asked: list[tuple[str, str]] = []

    @function_tool
    def get_order(order_id: str) -> str:
        """Look up an order by its id."""
        asked.append(("order", order_id))
        return order_json(order_id)

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(("weather", city))
        return weather_text(city)

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    model = (OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client) if api == "chat"
             else OpenAIResponsesModel(model="gpt-4o", openai_client=client))
    agent = Agent(name="support", instructions="You are a helpful assistant.", tools=[get_order, get_weather],
                  model=model)
    result = asyncio.run(Runner.run(agent, QUESTION, max_turns=6))
    assert asked == [("order", "42"), ("weather", "Lisbon")]
    assert "Sunny, 22°C in Lisbon" in result.final_output and len(result.raw_responses) == 3


def test_pydantic_ai_chains_two_tools(server: FiredrillServer) -> None:
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
    agent = Agent(OpenAIChatModel("gpt-4o-mini", provider=OpenAIProvider(openai_client=client)))
    asked: list[tuple[str, str]] = []

    @agent.tool_plain
    def get_order(order_id: str) -> str:
        """Look up an order by its id."""
        asked.append(("order", order_id))
        return order_json(order_id)

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(("weather", city))
        return weather_text(city)

    result = agent.run_sync(QUESTION)
    assert asked == [("order", "42"), ("weather", "Lisbon")]
    assert "Sunny, 22°C in Lisbon" in result.output and result.usage.requests == 3


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_langchain_bind_tools_loop_chains_two_tools(server: FiredrillServer, provider: str) -> None:
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_core.tools import tool

    @tool
    def get_order(order_id: str) -> str:
        """Look up an order by its id."""
        return order_json(order_id)

    @tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return weather_text(city)

    if provider == "openai":
        from langchain_openai import ChatOpenAI
        llm: Any = ChatOpenAI(model="gpt-4o", base_url=server.openai_base_url, api_key="sk-test",  # type: ignore[arg-type]
                              max_retries=0)
    else:
        from langchain_anthropic import ChatAnthropic
        llm = ChatAnthropic(model="claude-sonnet-4-5", base_url=server.anthropic_base_url,  # type: ignore[call-arg]
                            api_key="sk-ant-test", max_retries=0)  # type: ignore[arg-type]
    bound = llm.bind_tools([get_order, get_weather])
    tools = {"get_order": get_order, "get_weather": get_weather}
    messages: list[Any] = [HumanMessage(QUESTION)]
    made = []
    for _ in range(5):
        reply = bound.invoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            break
        made.append([(c["name"], c["args"]) for c in reply.tool_calls])
        messages += [ToolMessage(tools[c["name"]].invoke(c["args"]), tool_call_id=c["id"]) for c in reply.tool_calls]
    assert made == [[("get_order", {"order_id": "42"})], [("get_weather", {"city": "Lisbon"})]]
    assert "Sunny, 22°C in Lisbon" in str(messages[-1].content)
