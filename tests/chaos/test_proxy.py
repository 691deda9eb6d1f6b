"""Proxy mode against a fake provider as the upstream: pass-through, faults, guardrails, dry run."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import openai
import pytest

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from chaos.proxy import Guardrails, Proxy, create_proxy_app
from chaos.testing import FiredrillServer
from fake_llm import ServerThread

PASSAGE = "[doc:p updated:2026-10-01] The Pro plan costs $49 per month."


@pytest.fixture
def proxied(firedrill_server: FiredrillServer) -> Iterator[tuple[Proxy, str]]:
    proxy = Proxy(firedrill_server.url, FaultEngine(seed=3), guard=Guardrails(max_requests=50))
    with ServerThread(create_proxy_app(proxy, admin_token="t")) as srv:
        yield proxy, srv.url


def ask(url: str, **kwargs: object) -> str:
    client = openai.OpenAI(base_url=url + "/v1", api_key="sk-upstream", max_retries=0)
    r = client.chat.completions.create(model="fd-large", messages=[  # type: ignore[call-overload]
        {"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}], **kwargs)
    return r.choices[0].message.content or ""


def test_traffic_passes_through_with_auth_and_headers(proxied: tuple[Proxy, str],
                                                      firedrill_server: FiredrillServer) -> None:
    _, url = proxied
    assert "$49" in ask(url)
    assert firedrill_server.exchanges[-1].info.headers["authorization"] == "Bearer sk-upstream"


def test_streams_are_relayed_chunk_by_chunk(proxied: tuple[Proxy, str]) -> None:
    _, url = proxied
    client = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0)
    stream = client.chat.completions.create(model="fd-large", stream=True, messages=[
        {"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}])
    assert "$49" in "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    a = anthropic.Anthropic(base_url=url, api_key="k", max_retries=0)
    with a.messages.stream(model="fd-large", max_tokens=50, system=PASSAGE,
                           messages=[{"role": "user", "content": "How much is the Pro plan?"}]) as s:
        assert "$49" in "".join(s.text_stream)


def test_faults_apply_in_front_of_the_upstream(proxied: tuple[Proxy, str]) -> None:
    proxy, url = proxied
    proxy.engine.add(build_fault("rate_limit", id="rl", params={"retry_after_s": 0}))
    with pytest.raises(openai.RateLimitError):
        ask(url)
    proxy.engine.reset()
    proxy.engine.add(build_fault("stream_error", id="cut", params={"kind": "malformed_chunk"}))
    client = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0)
    with pytest.raises(ValueError):
        list(client.chat.completions.create(model="fd-large", stream=True,
                                            messages=[{"role": "user", "content": "hello there"}]))


def test_a_guardrail_clears_every_fault_and_says_so(firedrill_server: FiredrillServer) -> None:
    proxy = Proxy(firedrill_server.url, FaultEngine(), guard=Guardrails(max_requests=3))
    proxy.engine.add(build_fault("outage", id="down"))
    with ServerThread(create_proxy_app(proxy, admin_token="t")) as srv:
        for _ in range(2):
            with pytest.raises(openai.InternalServerError):
                ask(srv.url)
        assert "$49" in ask(srv.url)  # the third request trips the request budget
    assert proxy.engine.list() == [] and "request budget of 3 reached" in proxy.guard.messages[0]


def test_dry_run_logs_but_injects_nothing(firedrill_server: FiredrillServer) -> None:
    proxy = Proxy(firedrill_server.url, FaultEngine(), dry_run=True)
    proxy.engine.add(build_fault("outage", id="down"))
    with ServerThread(create_proxy_app(proxy, admin_token="t")) as srv:
        assert "$49" in ask(srv.url)
    assert proxy.would_inject == ["down at provider_request on /v1/chat/completions"]
