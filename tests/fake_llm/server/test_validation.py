"""Requests the real APIs refuse are refused here too, with their status, type, param, code and words."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import openai
import pytest

from chaos.testing import FiredrillServer

HI = [{"role": "user", "content": "hi"}]
TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


@pytest.fixture
def client(firedrill_server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=0)


@pytest.fixture
def claude(firedrill_server: FiredrillServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=firedrill_server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)


def _chat_error(client: openai.OpenAI, **params: Any) -> dict[str, Any]:
    params.setdefault("messages", HI)
    params.setdefault("model", "gpt-4o")
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**params)
    assert caught.value.status_code == 400
    body = caught.value.body
    assert isinstance(body, dict) and body["type"] == "invalid_request_error"
    return body


CHAT_CASES = [
    ({"temperature": 3}, "temperature", "decimal_above_max_value",
     "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."),
    ({"n": -5}, "n", "integer_below_min_value",
     "Invalid 'n': integer below minimum value. Expected a value >= 1, but got -5 instead."),
    ({"n": 10**9}, "n", "integer_above_max_value",
     "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 1000000000 instead."),
    ({"max_tokens": 0}, "max_tokens", "integer_below_min_value",
     "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    ({"max_tokens": -1}, "max_tokens", "integer_below_min_value",
     "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -1 instead."),
    ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "array_above_max_length",
     "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 "
     "instead."),
    ({"max_tokens": 10, "max_completion_tokens": 10}, "max_tokens", "invalid_parameter_combination",
     "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported."),
    ({"tool_choice": "required"}, "tool_choice", None,
     "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."),
    ({"tools": [TOOL], "tool_choice": {"type": "function", "function": {"name": "book_flight"}}},
     "tool_choice.function.name", "invalid_value",
     "Invalid value for 'tool_choice': function 'book_flight' was not found in 'tools'."),
    ({"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "messages[0].content[0].text",
     "missing_required_parameter", "Missing required parameter: 'messages[0].content[0].text'."),
    ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role", "invalid_value",
     "Invalid value: 'wizard'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and "
     "'function'."),
    ({"messages": []}, "messages", "empty_array",
     "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."),
    ({"n": "two"}, "n", "invalid_type", "Invalid type for 'n': expected an integer, but got a string instead."),
    ({"stream_options": {"include_usage": True}}, "stream_options", "invalid_value",
     "The 'stream_options' parameter is only allowed when 'stream' is enabled."),
]


@pytest.mark.parametrize(("params", "param", "code", "message"), CHAT_CASES, ids=[c[1] for c in CHAT_CASES])
def test_chat_rejects_what_the_real_api_rejects(client: openai.OpenAI, params: dict[str, Any], param: str,
                                                code: str | None, message: str) -> None:
    error = _chat_error(client, **params)
    assert (error["param"], error["code"], error["message"]) == (param, code, message)


def test_an_unknown_parameter_is_unrecognized(client: openai.OpenAI) -> None:
    error = _chat_error(client, extra_body={"top_k": 5})
    assert error["message"] == "Unrecognized request argument supplied: top_k"
    assert error["param"] is None and error["code"] is None


def test_odd_but_valid_fields_of_the_spec_are_accepted(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "developer", "content": "string", "name": "name"}, *HI],
        audio={"format": "wav", "voice": "alloy"}, frequency_penalty=-2, function_call="none",
        functions=[{"name": "name", "description": "description", "parameters": {"foo": "bar"}}],
        logit_bias={"foo": 0}, logprobs=True, max_completion_tokens=50, metadata={"foo": "string"},
        modalities=["text"], n=1, parallel_tool_calls=True, prediction={"content": "string", "type": "content"},
        presence_penalty=-2, prompt_cache_key="k", prompt_cache_retention="in_memory", reasoning_effort="none",
        response_format={"type": "text"}, safety_identifier="s", seed=-9007199254740991, service_tier="auto",
        stop="\n", store=True, temperature=1, tool_choice="none",
        tools=[{"type": "function", "function": {"name": "name", "description": "d", "parameters": {"foo": "bar"},
                                                 "strict": True}}],
        top_logprobs=0, top_p=1, user="user-1234", verbosity="low",
        web_search_options={"search_context_size": "low"},
    )
    assert r.choices[0].finish_reason == "stop"


def test_a_prompt_past_the_context_window_is_context_length_exceeded(firedrill_server: FiredrillServer,
                                                                     client: openai.OpenAI) -> None:
    window = firedrill_server.provider.catalog.resolve("gpt-4o-mini").context_window
    error = _chat_error(client, model="gpt-4o-mini", messages=[{"role": "user", "content": "word " * (window + 99)}])
    assert error["code"] == "context_length_exceeded" and error["param"] == "messages"
    assert error["message"].startswith(f"This model's maximum context length is {window} tokens. However, your "
                                       "messages resulted in ")  # the words litellm looks for


def test_models_need_a_key(firedrill_server: FiredrillServer) -> None:
    r = httpx.get(f"{firedrill_server.url}/v1/models")
    assert r.status_code == 401 and r.json()["error"]["message"].startswith("You didn't provide an API key.")
    assert httpx.get(f"{firedrill_server.url}/v1/models/gpt-4o").status_code == 401
    r = httpx.get(f"{firedrill_server.url}/v1/models", headers={"x-api-key": "", "anthropic-version": "2023-06-01"})
    assert r.status_code == 401 and r.json()["error"] == {"type": "authentication_error",
                                                          "message": "x-api-key header is required"}


def test_unknown_routes_and_methods_answer_in_the_json_envelope(firedrill_server: FiredrillServer) -> None:
    auth = {"authorization": "Bearer sk-test"}
    r = httpx.post(f"{firedrill_server.url}/v1/nothing-here", headers=auth)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == {"message": "Invalid URL (POST /v1/nothing-here)", "type": "invalid_request_error",
                                 "param": None, "code": None}
    r = httpx.get(f"{firedrill_server.url}/v1/embeddings", headers=auth)
    assert r.status_code == 405 and r.headers["allow"] == "POST" and r.json()["error"]["type"]
    r = httpx.get(f"{firedrill_server.url}/v1/messages", headers={"x-api-key": "k", "anthropic-version": "2023-06-01"})
    assert r.status_code == 405 and r.json()["type"] == "error" and r.json()["error"]["type"]
    r = httpx.get(f"{firedrill_server.url}/v1/nope", headers={"x-api-key": "k", "anthropic-version": "2023-06-01"})
    assert r.status_code == 404 and r.json()["error"] == {"type": "not_found_error", "message": "Not Found"}


def test_anthropic_validation_speaks_anthropic(firedrill_server: FiredrillServer, claude: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=0, messages=HI)  # type: ignore[arg-type]
    assert caught.value.body["error"] == {"type": "invalid_request_error",  # type: ignore[index]
                                          "message": "max_tokens: Input should be greater than or equal to 1"}
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=HI,  # type: ignore[arg-type]
                               extra_body={"frequency_penalty": 1})
    assert caught.value.body["error"]["message"] == "frequency_penalty: Extra inputs are not permitted"  # type: ignore[index]
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=HI,  # type: ignore[arg-type]
                               extra_body={"temperature": 1.5})
    assert caught.value.body["error"]["message"] == "temperature: Input should be less than or equal to 1"  # type: ignore[index]
    window = firedrill_server.provider.catalog.resolve("claude-3-5-haiku-latest").context_window
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-3-5-haiku-latest", max_tokens=10,
                               messages=[{"role": "user", "content": "word " * (window + 99)}])
    assert caught.value.body["error"]["message"].startswith("prompt is too long: ")  # type: ignore[index]


def test_unknown_models_404_in_each_providers_words(client: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-nope", messages=HI)  # type: ignore[arg-type]
    assert caught.value.body["code"] == "model_not_found" and caught.value.body["param"] is None  # type: ignore[index]
    with pytest.raises(anthropic.NotFoundError) as missing:
        claude.messages.create(model="claude-nope", max_tokens=10, messages=HI)  # type: ignore[arg-type]
    assert missing.value.body["error"] == {"type": "not_found_error", "message": "model: claude-nope"}  # type: ignore[index]


def test_the_sdks_odd_but_valid_tool_schemas_are_accepted(claude: anthropic.Anthropic) -> None:
    """anthropic-sdk-python's own all-params request gives properties as bare values."""
    m = claude.messages.create(model="claude-sonnet-4-5", max_tokens=100, messages=HI,  # type: ignore[arg-type]
                               tools=[{"name": "name", "input_schema": {"type": "object", "properties": {
                                   "location": "bar", "unit": "bar"}, "required": ["location"]}}])
    assert m.stop_reason in ("end_turn", "tool_use")


def test_max_tokens_above_what_the_model_can_write(firedrill_server: FiredrillServer, client: openai.OpenAI) -> None:
    limit = firedrill_server.provider.catalog.resolve("gpt-4o").max_output_tokens
    assert limit is not None
    error = _chat_error(client, max_completion_tokens=limit + 1)
    assert error["param"] == "max_tokens" and error["message"] == (
        f"max_tokens is too large: {limit + 1}. This model supports at most {limit} completion tokens, whereas "
        f"you provided {limit + 1}.")
    assert client.chat.completions.create(model="gpt-4o", messages=HI, max_completion_tokens=limit)  # type: ignore[arg-type]
    profile = firedrill_server.provider.catalog.resolve("claude-sonnet-4-5")
    r = httpx.post(f"{firedrill_server.url}/v1/messages", headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
                   json={"model": "claude-sonnet-4-5", "max_tokens": 10**6, "messages": HI})
    assert r.status_code == 400 and r.json()["error"]["message"] == (
        f"max_tokens: 1000000 > {profile.max_output_tokens}, which is the maximum allowed number of output tokens "
        f"for {profile.version}")


@pytest.mark.parametrize(("choice", "param"), [
    ({"type": "ª", "server_label": "x", "name": None}, "tool_choice.type"),  # found by schemathesis: echoed back
    ({"type": "mcp"}, "tool_choice.server_label"),
    ({"type": ["mcp"]}, "tool_choice.type"),  # a type that is not a string: a 400, not a crash
    ({"type": "custom"}, "tool_choice.name"),
    ({"type": "allowed_tools", "tools": []}, "tool_choice.mode"),
])
def test_a_responses_tool_choice_of_no_kind_the_api_knows_is_refused(client: openai.OpenAI, choice: dict[str, Any],
                                                                    param: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="hi", tool_choice=choice,  # type: ignore[arg-type]
                                tools=[{"type": "function", "name": "f", "parameters": {"type": "object"}}])
    assert isinstance(caught.value.body, dict) and caught.value.body["param"] == param


def test_every_kind_of_responses_tool_choice_the_spec_defines_is_accepted_and_echoed(client: openai.OpenAI) -> None:
    tools: Any = [{"type": "function", "name": "f", "parameters": {"type": "object"}}]
    for choice in ({"type": "file_search"}, {"type": "mcp", "server_label": "deepwiki"},
                   {"type": "allowed_tools", "mode": "auto", "tools": [{"type": "function", "name": "f"}]},
                   {"type": "function", "name": "f"}, "required"):
        r = client.responses.create(model="gpt-4o", input="hi", tool_choice=choice, tools=tools)  # type: ignore[arg-type]
        echoed = r.tool_choice if isinstance(r.tool_choice, str) else r.tool_choice.model_dump(exclude_none=True)
        assert echoed == choice


@pytest.mark.parametrize(("messages", "message"), [
    ([{"role": "user", "content": ""}], "messages.0: all messages must have non-empty content except for the "
                                        "optional final assistant message"),
    ([{"role": "user", "content": "hi"}, {"role": "assistant", "content": []}, {"role": "user", "content": "and?"}],
     "messages.1: all messages must have non-empty content except for the optional final assistant message"),
    ([{"role": "user", "content": [{"type": "text", "text": ""}]}], "messages: text content blocks must be non-empty"),
    ([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Sure "}],
     "messages: final assistant content cannot end with trailing whitespace"),
])
def test_anthropic_refuses_empty_content_as_the_api_does(claude: anthropic.Anthropic, messages: Any,
                                                         message: str) -> None:
    """An app that keeps an empty assistant turn in its history fails in production: here too."""
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=messages)
    assert caught.value.body["error"] == {"type": "invalid_request_error", "message": message}  # type: ignore[index]


def test_an_empty_final_assistant_turn_is_a_prefill(claude: anthropic.Anthropic) -> None:
    m = claude.messages.create(model="claude-sonnet-4-5", max_tokens=10,
                               messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}])
    assert m.stop_reason in ("end_turn", "max_tokens")


CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}
CALLED = {"role": "assistant", "content": None, "tool_calls": [CALL]}
ANSWER = {"role": "tool", "tool_call_id": "call_1", "content": "Windy"}


@pytest.mark.parametrize(("messages", "param", "message"), [
    ([*HI, ANSWER], "messages.[1].role",
     "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."),
    ([*HI, CALLED, {**ANSWER, "tool_call_id": "call_2"}], "messages.[2].role",
     "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."),
    ([*HI, CALLED, *HI], "messages.[1].role",
     "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
     "The following tool_call_ids did not have response messages: call_1"),
    ([*HI, {**CALLED, "tool_calls": [CALL, {**CALL, "id": "call_2"}]}, ANSWER], "messages.[1].role",
     "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
     "The following tool_call_ids did not have response messages: call_2"),
    ([*HI, {"role": "assistant", "content": None}, *HI], "messages.[1].content",
     "Invalid value for 'content': expected a string, got null."),
], ids=["a result without a call", "a result for another call", "a call without its result",
        "one of two parallel calls unanswered", "an assistant turn with neither text nor a call"])
def test_chat_tool_calls_and_results_must_pair_up(client: openai.OpenAI, messages: Any, param: str,
                                                  message: str) -> None:
    """A history trimmed in the middle of a tool turn fails in production: here too, in the API's words."""
    error = _chat_error(client, messages=messages, tools=[TOOL | {"function": {"name": "get_weather",
                                                                              "parameters": {"type": "object"}}}])
    assert (error["param"], error["code"], error["message"]) == (param, None, message)


USE = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo"}}
RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Windy"}


@pytest.mark.parametrize(("messages", "message"), [
    ([*HI, {"role": "assistant", "content": [USE]}, *HI],
     "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each "
     "`tool_use` block must have a corresponding `tool_result` block in the next message."),
    ([{"role": "user", "content": [RESULT]}],
     "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1. Each `tool_result` "
     "block must have a corresponding `tool_use` block in the previous message."),
])
def test_anthropic_tool_use_and_results_must_pair_up(claude: anthropic.Anthropic, messages: Any, message: str) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=messages,
                               tools=[{"name": "get_weather", "input_schema": {"type": "object"}}])
    assert caught.value.body["error"] == {"type": "invalid_request_error", "message": message}  # type: ignore[index]


@pytest.mark.parametrize(("tools", "message"), [
    ([{"name": "get weather", "input_schema": {"type": "object"}}],
     "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
    ([{"name": "search", "input_schema": {"type": "object"}}, {"name": "search", "input_schema": {"type": "object"}}],
     "tools: Tool names must be unique."),
])
def test_anthropic_tool_names_are_checked_as_the_api_checks_them(claude: anthropic.Anthropic, tools: Any,
                                                                 message: str) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=HI, tools=tools)
    assert caught.value.body["error"] == {"type": "invalid_request_error", "message": message}  # type: ignore[index]


LOOSE = {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}}, "required": ["city"]}
NO_UNIT = {**LOOSE, "additionalProperties": False}
NESTED = {"type": "object", "additionalProperties": False, "required": ["where"],
          "properties": {"where": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
NOT_FALSE = "'additionalProperties' is required to be supplied and to be false."
MISSING_UNIT = "'required' is required to be supplied and to be an array including every key in properties. " \
               "Missing 'unit'."


@pytest.mark.parametrize(("schema", "problem"), [(LOOSE, f"In context=(), {NOT_FALSE}"),
                                                 (NO_UNIT, f"In context=(), {MISSING_UNIT}"),
                                                 (NESTED, f"In context=('properties', 'where'), {NOT_FALSE}")])
def test_strict_schemas_must_close_every_object_and_require_every_property(client: openai.OpenAI, schema: Any,
                                                                            problem: str) -> None:
    """Structured Outputs' strict mode refuses a hand-written schema that leaves an object open."""
    error = _chat_error(client, response_format={"type": "json_schema",
                                                 "json_schema": {"name": "weather", "strict": True, "schema": schema}})
    assert (error["param"], error["code"], error["message"]) == (
        "response_format", None, f"Invalid schema for response_format 'weather': {problem}")
    error = _chat_error(client, tools=[{"type": "function", "function": {"name": "get_weather", "strict": True,
                                                                         "parameters": schema}}])
    assert (error["param"], error["code"], error["message"]) == (
        "tools[0].function.parameters", "invalid_function_parameters", f"Invalid schema for function 'get_weather': "
                                                                        f"{problem}")
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="hi", text={"format": {  # type: ignore[typeddict-item]
            "type": "json_schema", "name": "weather", "strict": True, "schema": schema}})
    assert caught.value.body == {"message": f"Invalid schema for response_format 'weather': {problem}",
                                 "type": "invalid_request_error", "param": "text.format.schema",
                                 "code": "invalid_json_schema"}
    assert client.chat.completions.create(model="gpt-4o", messages=HI, response_format={  # type: ignore[arg-type]
        "type": "json_schema", "json_schema": {"name": "weather", "schema": schema}})  # not strict: taken as it is


def test_newer_claude_models_take_temperature_or_top_p_not_both(claude: anthropic.Anthropic) -> None:
    """What langchain and litellm send when an app sets both (this SDK no longer has either argument)."""
    both = {"temperature": 0.5, "top_p": 0.9}
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=HI, extra_body=both)  # type: ignore[arg-type]
    assert caught.value.body["error"]["message"] == (  # type: ignore[index]
        "`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
    assert claude.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=HI,  # type: ignore[arg-type]
                                  extra_body={"temperature": 0.5})
    assert claude.messages.create(model="claude-3-7-sonnet-latest", max_tokens=10, messages=HI,  # type: ignore[arg-type]
                                  extra_body=both)


@pytest.mark.parametrize("choice", [{"type": "any"}, {"type": "tool", "name": "get_weather"}])
def test_thinking_may_not_be_enabled_when_tool_choice_forces_tool_use(claude: anthropic.Anthropic,
                                                                      choice: Any) -> None:
    """What a structured-output helper that forces its tool meets once thinking is on."""
    tools: Any = [{"name": "get_weather", "input_schema": {"type": "object"}}]
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=HI, tools=tools, tool_choice=choice,
                               thinking={"type": "enabled", "budget_tokens": 1024})
    assert caught.value.body["error"]["message"] == "Thinking may not be enabled when tool_choice forces tool use."  # type: ignore[index]
    assert claude.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=HI, tools=tools,  # type: ignore[arg-type]
                                  tool_choice={"type": "auto"}, thinking={"type": "enabled", "budget_tokens": 1024})
