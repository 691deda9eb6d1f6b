"""The tool loop over the raw SDKs: when to call, with what, and answering from the results."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai
import pytest

from chaos.testing import FiredrillServer

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "date": {"type": "string", "format": "date"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"]}}}
TIME = {"type": "function", "function": {
    "name": "get_time", "description": "The current time in a timezone.",
    "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]}}}


def _ask(client: openai.OpenAI, messages: list[dict[str, Any]], **kw: Any) -> Any:
    return client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER, TIME], **kw)


def test_arguments_come_from_the_users_words(client: openai.OpenAI) -> None:
    r = _ask(client, [{"role": "system", "content": "Today is 2026-03-02."},
                      {"role": "user", "content": "What will the weather be in Paris tomorrow, in fahrenheit?"}])
    call = r.choices[0].message.tool_calls[0]
    assert r.choices[0].finish_reason == "tool_calls" and call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris", "date": "2026-03-03", "unit": "fahrenheit"}


def test_after_the_tool_result_the_model_answers_and_does_not_call_again(client: openai.OpenAI) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What's the weather in Tokyo?"}]
    first = _ask(client, messages).choices[0].message
    messages += [first.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": first.tool_calls[0].id, "content": '{"temp_c": 18, "sky": "clear"}'}]
    second = _ask(client, messages).choices[0]
    assert second.finish_reason == "stop" and not second.message.tool_calls
    assert "18" in second.message.content and "clear" in second.message.content


def test_a_question_without_a_tool_need_gets_text(client: openai.OpenAI) -> None:
    r = _ask(client, [{"role": "user", "content": "Say hello to the team"}])
    assert r.choices[0].finish_reason == "stop" and r.choices[0].message.content == "hello to the team"


def test_two_cities_are_two_parallel_calls_unless_parallel_calls_are_off(client: openai.OpenAI) -> None:
    ask = [{"role": "user", "content": "Compare the weather in Rome and Madrid"}]
    both = _ask(client, ask).choices[0].message.tool_calls
    assert [json.loads(c.function.arguments)["city"] for c in both] == ["Rome", "Madrid"]
    one = _ask(client, ask, parallel_tool_calls=False).choices[0].message.tool_calls
    assert len(one) == 1


def test_two_tools_for_a_two_part_question(client: openai.OpenAI) -> None:
    calls = _ask(client, [{"role": "user", "content": "What's the weather in Oslo and the time in Asia/Tokyo?"}]
                 ).choices[0].message.tool_calls
    assert {c.function.name for c in calls} == {"get_weather", "get_time"}


def test_tool_choice_none_required_and_named(client: openai.OpenAI) -> None:
    weather_q = [{"role": "user", "content": "What's the weather in Paris?"}]
    none = _ask(client, weather_q, tool_choice="none").choices[0]
    assert none.finish_reason == "stop" and not none.message.tool_calls
    required = _ask(client, [{"role": "user", "content": "Hi"}], tool_choice="required").choices[0]
    assert required.finish_reason == "tool_calls"
    named = _ask(client, weather_q, tool_choice={"type": "function", "function": {"name": "get_time"}}).choices[0]
    assert [c.function.name for c in named.message.tool_calls] == ["get_time"]


@pytest.mark.parametrize("follow_up", ["And in London?", "And London?", "What about London?", "Now London"])
def test_a_follow_up_question_reuses_the_tool_with_the_new_place(client: openai.OpenAI, follow_up: str) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What's the weather in Paris?"}]
    first = _ask(client, messages).choices[0].message
    messages += [first.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": first.tool_calls[0].id, "content": "Sunny"},
                 {"role": "assistant", "content": "It is sunny in Paris."},
                 {"role": "user", "content": follow_up}]
    call = _ask(client, messages).choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments)["city"] == "London"


def test_multi_turn_context_is_remembered(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[
        {"role": "user", "content": "My name is Priya and I work on the billing team."},
        {"role": "assistant", "content": "Nice to meet you, Priya."},
        {"role": "user", "content": "What is my name?"}])
    assert "Priya" in (r.choices[0].message.content or "")


def test_streamed_parallel_calls_reassemble(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model="gpt-4o", tools=[WEATHER],  # type: ignore[list-item]
                                        messages=[{"role": "user", "content": "Weather in Rome and Madrid?"}]) as s:
        final = s.get_final_completion()
    cities = [c.function.parsed_arguments or json.loads(c.function.arguments)  # type: ignore[union-attr]
              for c in final.choices[0].message.tool_calls or []]
    assert [c["city"] for c in cities] == ["Rome", "Madrid"]


def test_anthropic_tool_result_round_trip(server: FiredrillServer) -> None:
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    tools = [{"name": "get_weather", "description": "Get the current weather for a city.",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    messages: list[dict[str, Any]] = [{"role": "user", "content": "How's the weather in Reykjavik?"}]
    first = client.messages.create(model="claude-sonnet-4-5", max_tokens=500, tools=tools, messages=messages)
    assert first.stop_reason == "tool_use" and first.model == "claude-sonnet-4-5-20250929"
    use = next(b for b in first.content if b.type == "tool_use")
    assert use.input == {"city": "Reykjavik"}  # type: ignore[union-attr]
    messages += [{"role": "assistant", "content": [b.model_dump() for b in first.content]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id,
                                               "content": "Snow, -3°C"}]}]
    second = client.messages.create(model="claude-sonnet-4-5", max_tokens=500, tools=tools, messages=messages)
    assert second.stop_reason == "end_turn"
    assert [b.type for b in second.content] == ["text"] and "Snow, -3°C" in second.content[0].text  # type: ignore[union-attr]
