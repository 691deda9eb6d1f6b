"""Every reply of the claimed OpenAI operations validates against the official spec's schemas."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chaos.testing import FiredrillServer
from tests.fake_llm.server.spec_support import errors, event_errors

AUTH = {"authorization": "Bearer sk-test"}
PASSAGE = "[doc:a updated:2026-01-01] The Pro plan costs $49 per month."
CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
WEATHER_CHAT = {"type": "function", "function": {"name": "get_weather", "parameters": CITY}}
WEATHER = {"type": "function", "name": "get_weather", "strict": True,  # strict: every object closed
           "parameters": {**CITY, "additionalProperties": False}}
SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"],
          "additionalProperties": False}


def _post(srv: FiredrillServer, path: str, body: dict[str, Any]) -> httpx.Response:
    r = httpx.post(f"{srv.url}/v1{path}", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    return r


def _events(r: httpx.Response) -> list[Any]:
    lines = r.text.splitlines()
    return [json.loads(line[6:]) for line in lines if line.startswith("data: ") and line != "data: [DONE]"]


CHATS = {
    "text": {"messages": [{"role": "system", "content": PASSAGE}, {"role": "user", "content": "Pro plan price?"}]},
    "tool call": {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": [WEATHER_CHAT]},
    "json schema": {"messages": [{"role": "user", "content": "Pro plan price?"}],
                    "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": SCHEMA}}},
    "n=2 with logprobs": {"messages": [{"role": "user", "content": "hi"}], "n": 2, "logprobs": True,
                          "top_logprobs": 2},
}


@pytest.mark.parametrize("body", CHATS.values(), ids=CHATS.keys())
def test_chat_completions_conform(firedrill_server: FiredrillServer, body: dict[str, Any]) -> None:
    r = _post(firedrill_server, "/chat/completions", {"model": "gpt-4o", **body})
    assert errors("CreateChatCompletionResponse", r.json()) == []
    stream = _post(firedrill_server, "/chat/completions", {"model": "gpt-4o", **body, "stream": True,
                                                           "stream_options": {"include_usage": True}})
    for chunk in _events(stream):
        assert errors("CreateChatCompletionStreamResponse", chunk) == []


def test_embeddings_and_models_conform(firedrill_server: FiredrillServer) -> None:
    r = _post(firedrill_server, "/embeddings", {"model": "text-embedding-3-small", "input": ["a", "b"]})
    assert errors("CreateEmbeddingResponse", r.json()) == []
    listed = httpx.get(f"{firedrill_server.url}/v1/models", headers=AUTH).json()
    assert errors("ListModelsResponse", listed) == []
    one = httpx.get(f"{firedrill_server.url}/v1/models/gpt-4o", headers=AUTH).json()
    assert errors("Model", one) == []


RESPONSES = {
    "text": {"input": "Pro plan price?", "instructions": PASSAGE, "temperature": 0.5, "metadata": {"k": "v"}},
    "function call": {"input": "Weather in Paris?", "tools": [WEATHER]},
    "function call output": {"tools": [WEATHER], "input": [
        {"role": "user", "content": "Weather in Paris?"},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": '{"city":"Paris"}'},
        {"type": "function_call_output", "call_id": "call_1", "output": "18C"}]},
    "json schema": {"input": "Pro plan price?", "text": {"format": {"type": "json_schema", "name": "r",
                                                                    "schema": SCHEMA, "strict": True}}},
    "reasoning": {"model": "o4-mini", "input": "2+2?", "reasoning": {"effort": "low", "summary": "auto"}},
}


@pytest.mark.parametrize("body", RESPONSES.values(), ids=RESPONSES.keys())
def test_responses_conform(firedrill_server: FiredrillServer, body: dict[str, Any]) -> None:
    r = _post(firedrill_server, "/responses", {"model": "gpt-4o", **body})
    assert errors("Response", r.json()) == []
    stored = httpx.get(f"{firedrill_server.url}/v1/responses/{r.json()['id']}", headers=AUTH)
    assert stored.status_code == 200 and errors("Response", stored.json()) == []
    for event in _events(_post(firedrill_server, "/responses", {"model": "gpt-4o", **body, "stream": True})):
        assert event_errors(event) == [], event["type"]
