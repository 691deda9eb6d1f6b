from __future__ import annotations

import json

import openai
import pytest

from chaos.testing import FiredrillServer
from tests.chaos.support import ask


def test_non_json_body_makes_the_sdk_raise(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="non_json_body"), pytest.raises(json.JSONDecodeError):
        ask(oai)


def test_renamed_field_leaves_the_sdk_without_content(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="renamed_field"):
        r = oai.chat.completions.create(model="fd-large", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content is None


def test_missing_choices_breaks_the_caller(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="missing_field"):
        r = oai.chat.completions.create(model="fd-large", messages=[{"role": "user", "content": "hi"}])
    assert not getattr(r, "choices", None)


def test_invalid_json_mode_output_fails_to_parse(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="invalid_json_mode"):
        text = ask(oai, response_format={"type": "json_object"})
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_invalid_tool_arguments_are_not_json(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    tool = {"type": "function", "function": {"name": "get_order", "parameters": {
        "type": "object", "properties": {"order_id": {"type": "string"}}}}}
    with firedrill_server.fault("schema_error", kind="invalid_tool_arguments"):
        r = oai.chat.completions.create(model="fd-large", tools=[tool], tool_choice="required",  # type: ignore[list-item]
                                        messages=[{"role": "user", "content": "order 5"}])
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.choices[0].message.tool_calls[0].function.arguments)  # type: ignore[index,union-attr]


def test_renamed_field_leaves_a_legacy_completion_without_text(firedrill_server: FiredrillServer,
                                                               oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="renamed_field"):
        raw = oai.completions.with_raw_response.create(model="gpt-3.5-turbo-instruct", prompt="Say hello.")
    choice = raw.http_response.json()["choices"][0]
    assert "text" not in choice and choice["content"]


def test_invalid_json_mode_output_reaches_a_legacy_completion_too(firedrill_server: FiredrillServer,
                                                                   oai: openai.OpenAI) -> None:
    with firedrill_server.fault("schema_error", kind="invalid_json_mode"):
        r = oai.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello.")
    assert r.choices[0].text.startswith("Sure! Here is the JSON you asked for:")
