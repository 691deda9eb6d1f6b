from __future__ import annotations

import openai
import pytest

from chaos.testing import FiredrillServer
from tests.chaos.support import ask


def test_fraction_one_raises_after_the_sdk_retries_and_the_server_counts_them(
        firedrill_server: FiredrillServer) -> None:
    client = openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=2)
    with firedrill_server.fault("rate_limit", retry_after_s=0.01, fraction=1) as fault, \
            pytest.raises(openai.RateLimitError):
        ask(client)
    assert fault.hits_so_far == 3
    retries = [ex.info.headers.get("x-stainless-retry-count") for ex in firedrill_server.exchanges]
    assert retries == ["0", "1", "2"]


def test_retry_after_is_honoured_and_a_later_attempt_succeeds(firedrill_server: FiredrillServer) -> None:
    client = openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=2)
    with firedrill_server.fault("rate_limit", retry_after_s=0.05, first_n=1) as fault:
        assert "$49" in ask(client)
    assert fault.hits_so_far == 1 and len(firedrill_server.exchanges) == 2


def test_a_request_quota_limits_only_requests_over_it(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("rate_limit", requests_per_min=3, retry_after_s=0):
        for _ in range(3):
            ask(oai)
        with pytest.raises(openai.RateLimitError):
            ask(oai)


def test_anthropic_overloaded_is_529(firedrill_server: FiredrillServer) -> None:
    import anthropic

    client = anthropic.Anthropic(base_url=firedrill_server.anthropic_base_url, api_key="k", max_retries=0)
    with firedrill_server.fault("rate_limit", kind="overloaded", retry_after_s=0), \
            pytest.raises(anthropic.InternalServerError) as exc:
        client.messages.create(model="fd-large", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 529 and exc.value.body["error"]["type"] == "overloaded_error"  # type: ignore[index]


def test_a_token_quota_counts_a_legacy_completion_prompt(firedrill_server: FiredrillServer,
                                                         oai: openai.OpenAI) -> None:
    with firedrill_server.fault("rate_limit", tokens_per_min=200, retry_after_s=0):
        oai.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello.", max_tokens=4)
        with pytest.raises(openai.RateLimitError):
            oai.completions.create(model="gpt-3.5-turbo-instruct", prompt="word " * 300, max_tokens=4)
