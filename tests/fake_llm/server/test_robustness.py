"""No input takes the server down or leaks its internals: every crash signature found by fuzzing
gets a 400 in the caller's envelope, and requests that would cost too much are refused up front."""

from __future__ import annotations

import json

import httpx
import pytest

from chaos.testing import FiredrillServer

AUTH = {"authorization": "Bearer sk-test"}
ANTHROPIC = {"x-api-key": "sk-ant", "anthropic-version": "2023-06-01"}
HI = [{"role": "user", "content": "hi"}]
CHAT = {"model": "gpt-4o", "messages": HI}
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
MSG = {"model": "claude-sonnet-4-5", "max_tokens": 50, "messages": HI}


def _schema(schema: object) -> dict[str, object]:
    return {**CHAT, "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}}


def _nested(depth: int) -> bytes:
    return b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":' + b"[" * depth + \
        b"]" * depth + b"}"


OPENAI_CRASHES = {
    "tool_choice.function a string": {**CHAT, "tools": [TOOL], "tool_choice": {"type": "function", "function": "f"}},
    "stream_options a string": {**CHAT, "stream": True, "stream_options": "yes"},
    "json_schema.schema not an object": _schema([1, 2]),
    "properties a list": _schema({"type": "object", "properties": ["a"]}),
    "minItems abc": _schema({"type": "array", "items": {"type": "string"}, "minItems": "abc"}),
    "parameters a string": {**CHAT, "tools": [{"type": "function", "function": {"name": "f", "parameters": "x"}}]},
    "text with an unpaired surrogate": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a\\ud800b"}]}',
    "JSON nested 1,000 deep": _nested(1000),
    "JSON nested 100 deep": _nested(100),
}


@pytest.mark.parametrize("body", OPENAI_CRASHES.values(), ids=OPENAI_CRASHES.keys())
def test_chat_crash_signatures_are_400s(firedrill_server: FiredrillServer, body: object) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = httpx.post(f"{firedrill_server.url}/v1/chat/completions", content=content, headers=AUTH)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error" and "Traceback" not in r.text and "Error(" not in r.text


def test_negative_and_oversized_dimensions_are_400s(firedrill_server: FiredrillServer) -> None:
    url = f"{firedrill_server.url}/v1/embeddings"
    r = httpx.post(url, json={"model": "text-embedding-3-small", "input": "x", "dimensions": -3}, headers=AUTH)
    assert r.status_code == 400 and r.json()["error"]["code"] == "integer_below_min_value"
    r = httpx.post(url, json={"model": "text-embedding-3-small", "input": "x", "dimensions": 10_000_000},
                   headers=AUTH)
    assert r.status_code == 400 and r.json()["error"]["param"] == "dimensions"


ANTHROPIC_CRASHES = {
    "tool_choice.type a list": {**MSG, "tools": [{"name": "f", "input_schema": {"type": "object"}}],
                                "tool_choice": {"type": ["auto"]}},
    "content block type a list": {**MSG, "messages": [{"role": "user", "content": [{"type": ["text"]}]}]},
    "input_schema a string": {**MSG, "tools": [{"name": "f", "input_schema": "object"}]},
    "properties a list": {**MSG, "tools": [{"name": "f", "input_schema": {"type": "object", "properties": []}}]},
    "text with an unpaired surrogate": b'{"model":"claude-sonnet-4-5","max_tokens":5,'
                                       b'"messages":[{"role":"user","content":"\\udc00"}]}',
}


@pytest.mark.parametrize("body", ANTHROPIC_CRASHES.values(), ids=ANTHROPIC_CRASHES.keys())
def test_anthropic_crash_signatures_are_400s(firedrill_server: FiredrillServer, body: object) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = httpx.post(f"{firedrill_server.url}/v1/messages", content=content, headers=ANTHROPIC)
    assert r.status_code == 400, r.text
    assert r.json()["type"] == "error" and r.json()["error"]["type"] == "invalid_request_error"


def test_a_small_schema_with_a_huge_instance_is_refused(firedrill_server: FiredrillServer) -> None:
    level: dict[str, object] = {"type": "string"}
    for _ in range(3):
        level = {"type": "array", "minItems": 200, "items": level}
    body = json.dumps(_schema({"type": "object", "properties": {"a": level}, "required": ["a"]}))
    assert len(body) < 400
    r = httpx.post(f"{firedrill_server.url}/v1/chat/completions", content=body, headers=AUTH)
    assert r.status_code == 400 and len(r.content) < 1000
    error = r.json()["error"]
    assert error["code"] == "invalid_json_schema" and "smallest valid instance" in error["message"]


def test_paired_surrogates_are_fine(firedrill_server: FiredrillServer) -> None:
    body = b'{"model":"gpt-4o","messages":[{"role":"user","content":"emoji \\ud83d\\ude00 ok"}]}'
    assert httpx.post(f"{firedrill_server.url}/v1/chat/completions", content=body, headers=AUTH).status_code == 200


_BAD_BLOB = "fdc1.NQ=="  # our compaction prefix around base64 of the JSON number 5
STORED_ROUTE_CASES = [
    ("POST", "/v1/responses/compact", b"[]"),
    ("POST", "/v1/responses/compact", json.dumps({"model": 5}).encode()),
    ("POST", "/v1/responses/compact", json.dumps({"model": "gpt-4o", "input": [{"type": "message"}]}).encode()),
    ("POST", "/v1/responses/input_tokens", json.dumps({"tools": "x"}).encode()),
    ("POST", "/v1/responses/input_tokens", json.dumps({"previous_response_id": 5}).encode()),
    ("GET", "/v1/chat/completions?limit=abc", b""),
    ("GET", "/v1/chat/completions?order=sideways", b""),
    ("POST", "/v1/chat/completions/nope", b"{"),
    ("GET", "/v1/responses/nope/input_items?limit=1000", b""),
    ("POST", "/v1/responses/nope/cancel", b"garbage"),
]


@pytest.mark.parametrize(("method", "path", "body"), STORED_ROUTE_CASES)
def test_malformed_requests_to_the_stored_and_counting_routes_are_4xx(firedrill_server: FiredrillServer, method: str,
                                                                      path: str, body: bytes) -> None:
    r = httpx.request(method, firedrill_server.url + path, content=body,
                      headers={**AUTH, "content-type": "application/json"})
    assert 400 <= r.status_code < 500 and r.json()["error"]["message"]


@pytest.mark.parametrize("blob", [_BAD_BLOB, "fdc1.%%%", "not ours", 5])
def test_a_compaction_item_we_cannot_read_is_ignored(firedrill_server: FiredrillServer, blob: object) -> None:
    r = httpx.post(firedrill_server.url + "/v1/responses/compact", headers=AUTH, json={
        "model": "gpt-4o", "input": [{"type": "compaction", "encrypted_content": blob},
                                     {"role": "user", "content": "Hello"}]})
    assert r.status_code == 200 and r.json()["output"][0]["content"][0]["text"] == "Hello"


def test_updating_a_stored_completion_with_bad_metadata_is_400(firedrill_server: FiredrillServer) -> None:
    made = httpx.post(firedrill_server.url + "/v1/chat/completions", headers=AUTH, json={
        "model": "gpt-4o", "store": True, "messages": [{"role": "user", "content": "hi"}]}).json()
    for body in (b"{", b"[]", b'{"metadata": 5}', b'{"metadata": {"a": {"b": 1}}}', b"{}"):
        r = httpx.post(f"{firedrill_server.url}/v1/chat/completions/{made['id']}", content=body,
                       headers={**AUTH, "content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
