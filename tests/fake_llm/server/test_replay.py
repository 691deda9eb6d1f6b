"""A repeated request, while nothing can change its answer, is answered from a template of an
earlier answer: the same bytes the full path gives, with its own ids. The template is made the
second time the same bytes come (most requests never come back, and cutting their answers cost a
tenth of a request). With a fault configured or an exchange observer, every request takes the
full path."""

from __future__ import annotations

import json

from chaos.engine import FaultEngine
from chaos.faults.spec import FaultSpec
from fake_llm import Provider
from fake_llm.hooks import Flavour

AUTH = {"authorization": "Bearer sk-test"}
CHAT = "/v1/chat/completions"


def _body(**extra: object) -> bytes:
    return json.dumps({"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": "[doc:plans-3] The Pro plan costs $49 per month."},
        {"role": "user", "content": "How much does the Pro plan cost?"}], **extra}).encode()


def _provider(**kw: object) -> Provider:
    return Provider(clock=lambda: 1_800_000_000, **kw)  # type: ignore[arg-type]


def test_a_replayed_answer_is_byte_for_byte_what_the_full_path_gives() -> None:
    replaying, full = _provider(), _provider()
    for body in (_body(), _body(stream=True, stream_options={"include_usage": True})):
        first = replaying.handle_http(Flavour.OPENAI, CHAT, AUTH, body)
        second = replaying.handle_http(Flavour.OPENAI, CHAT, AUTH, body)
        again = replaying.handle_http(Flavour.OPENAI, CHAT, AUTH, body)
        for _ in range(3):
            expected = full.handle(Flavour.OPENAI, CHAT, AUTH, body)
        assert first.exchange is not None and second.exchange is not None  # the full path, templated the second time
        assert again.exchange is None  # it came from the template
        assert again.headers == expected.headers
        assert again.body == expected.body
        assert [f.data for f in again.frames or []] == [f.data for f in expected.frames or []]
        assert again.headers["x-request-id"] != first.headers["x-request-id"]


def test_a_replayed_answer_has_its_own_id_and_time() -> None:
    now = [1_800_000_000]
    provider = Provider(clock=lambda: now[0])
    first = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body()).json
    now[0] += 7
    provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body())
    again = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body()).json
    assert again["id"] != first["id"] and again["id"].startswith("chatcmpl-")
    assert again["created"] == first["created"] + 7
    assert again["choices"] == first["choices"]


def test_anthropic_messages_are_replayed_too() -> None:
    provider = _provider()
    body = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 100,
                       "messages": [{"role": "user", "content": "Hi"}]}).encode()
    headers = {"x-api-key": "sk-test", "anthropic-version": "2023-06-01"}
    first = provider.handle_http(Flavour.ANTHROPIC, "/v1/messages", headers, body)
    provider.handle_http(Flavour.ANTHROPIC, "/v1/messages", headers, body)
    again = provider.handle_http(Flavour.ANTHROPIC, "/v1/messages", headers, body)
    assert again.exchange is None
    assert again.json["id"] != first.json["id"]
    assert again.json["content"] == first.json["content"]


def test_a_replay_still_checks_the_api_key() -> None:
    provider = Provider(api_keys=frozenset({"sk-good"}))
    good = {"authorization": "Bearer sk-good"}
    for _ in range(2):  # templated
        assert provider.handle_http(Flavour.OPENAI, CHAT, good, _body()).status == 200
    assert len(provider.replay) == 1
    assert provider.handle_http(Flavour.OPENAI, CHAT, {"authorization": "Bearer sk-bad"}, _body()).status == 401


def test_with_a_fault_configured_every_request_takes_the_full_path() -> None:
    engine = FaultEngine(seed=0)
    provider = _provider(hooks=engine)
    engine.bind(provider)
    for _ in range(2):
        provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body())
    assert len(provider.replay) == 1
    engine.start(FaultSpec(type="rate_limit"))
    hit = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body())
    assert hit.status == 429
    assert len(provider.replay) == 0  # what was kept before the fault is dropped, nothing new kept


def test_with_an_exchange_observer_nothing_is_replayed() -> None:
    seen = []
    provider = _provider(on_exchange=lambda ex, result: seen.append(ex))
    for _ in range(3):
        provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body())
    assert len(seen) == 3
    assert len(provider.replay) == 0


def test_a_prompt_long_enough_for_the_prompt_cache_is_not_replayed() -> None:
    provider = _provider()
    long_system = "Policy paragraph about refunds and invoices. " * 400  # well over 1,024 tokens
    body = json.dumps({"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": long_system}, {"role": "user", "content": "Refunds?"}]}).encode()
    first = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, body).json
    again = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, body).json
    assert len(provider.replay) == 0
    assert first["usage"]["prompt_tokens_details"]["cached_tokens"] == 0
    assert again["usage"]["prompt_tokens_details"]["cached_tokens"] > 0  # the repeat reads the cache


def test_requests_of_other_routes_leave_the_templates_alone() -> None:
    provider = _provider()
    for _ in range(2):
        provider.handle_http(Flavour.OPENAI, CHAT, AUTH, _body())
    embed = json.dumps({"model": "text-embedding-3-small", "input": "hello"}).encode()
    assert provider.handle_http(Flavour.OPENAI, "/v1/embeddings", AUTH, embed).status == 200
    assert len(provider.replay) == 1
