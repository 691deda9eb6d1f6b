"""Malformed requests get a 4xx in the provider's own envelope; never a 500, never a dead server."""

from __future__ import annotations

import httpx
import pytest

from chaos.testing import FiredrillServer

AUTH = {"authorization": "Bearer sk-test", "x-api-key": "sk-test"}

OPENAI_CASES = [
    (b"{not json", 400, None),
    (b"[1, 2]", 400, None),
    (b'{"messages": [{"role": "user", "content": "hi"}]}', 400, "model"),
    (b'{"model": "fd-large"}', 400, "messages"),
    (b'{"model": 7, "messages": []}', 400, "model"),
    (b'{"model": "fd-large", "messages": "hi"}', 400, "messages"),
    (b'{"model": "fd-large", "messages": [{"role": "wizard", "content": "hi"}]}', 400, "messages[0].role"),
    (b'{"model": "fd-large", "messages": [{"role": "user", "content": 5}]}', 400, "messages[0].content"),
    (b'{"model": "fd-large", "messages": [{"role": "user", "content": "x"}], "max_tokens": "ten"}', 400,
     "max_tokens"),
    (b'{"model": "fd-large", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}', 400, "stream"),
    (b'{"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]}', 404, None),
]


@pytest.mark.parametrize(("body", "status", "param"), OPENAI_CASES)
def test_openai_bad_requests_get_openai_errors(firedrill_server: FiredrillServer, body: bytes, status: int,
                                               param: str | None) -> None:
    r = httpx.post(f"{firedrill_server.url}/v1/chat/completions", content=body, headers=AUTH)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"] and error["param"] == param
    assert httpx.get(f"{firedrill_server.url}/healthz").status_code == 200


ANTHROPIC_CASES = [
    b"{not json",
    b'{"model": "fd-large", "messages": [{"role": "user", "content": "hi"}]}',  # max_tokens is required
    b'{"model": "fd-large", "max_tokens": 10, "messages": [{"role": "system", "content": "hi"}]}',
    b'{"model": "fd-large", "max_tokens": "many", "messages": []}',
    b'{"max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}',
]


@pytest.mark.parametrize("body", ANTHROPIC_CASES)
def test_anthropic_bad_requests_get_anthropic_errors(firedrill_server: FiredrillServer, body: bytes) -> None:
    r = httpx.post(f"{firedrill_server.url}/v1/messages", content=body, headers=AUTH)
    assert r.status_code == 400
    doc = r.json()
    assert doc["type"] == "error" and doc["error"]["type"] == "invalid_request_error" and doc["request_id"]


def test_oversize_body_is_413_in_the_envelope(firedrill_server: FiredrillServer) -> None:
    r = httpx.post(f"{firedrill_server.url}/v1/chat/completions", content=b"x" * (5 * 1024 * 1024), headers=AUTH)
    assert r.status_code == 413 and r.json()["error"]["type"] == "invalid_request_error"


def test_embeddings_bad_input_and_unknown_model(firedrill_server: FiredrillServer) -> None:
    url = f"{firedrill_server.url}/v1/embeddings"
    assert httpx.post(url, json={"model": "fd-embed"}, headers=AUTH).json()["error"]["param"] == "input"
    assert httpx.post(url, json={"model": "fd-large", "input": "x"}, headers=AUTH).status_code == 400
    assert httpx.post(url, json={"model": "nope", "input": "x"}, headers=AUTH).status_code == 404
    bad_format = httpx.post(url, json={"model": "fd-embed", "input": "x", "encoding_format": "hex"}, headers=AUTH)
    assert bad_format.json()["error"]["param"] == "encoding_format"


@pytest.mark.parametrize("texts", ["", ["a chunk", ""]])
def test_an_empty_text_to_embed_is_refused_as_the_api_refuses_it(firedrill_server: FiredrillServer,
                                                                 texts: object) -> None:
    """A RAG ingestion that embeds an empty chunk fails in production: here too."""
    r = httpx.post(f"{firedrill_server.url}/v1/embeddings", json={"model": "text-embedding-3-small", "input": texts},
                   headers=AUTH)
    assert r.status_code == 400 and r.json()["error"] == {
        "message": "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        "type": "invalid_request_error", "param": None, "code": None}
