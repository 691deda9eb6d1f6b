from __future__ import annotations

from chaos.faults.registry import build_fault
from fake_llm.hooks import Exchange, Flavour, RequestInfo


def _exchange(key: str) -> Exchange:
    return Exchange(info=RequestInfo(key=key, flavour=Flavour.OPENAI, route="/v1/chat/completions", model="m"),
                    body={}, model_version="fd-large-2026-09-01")


def test_latency_adds_ttft_and_per_token_time_with_seeded_jitter() -> None:
    fault = build_fault("latency", id="slow", params={"ttft_ms": 500, "per_token_ms": 20, "jitter_ms": 100}, seed=3)
    a, b, again = _exchange("a"), _exchange("b"), _exchange("a")
    for ex in (a, b, again):
        fault.apply(ex)
    assert 0.4 <= a.extra_ttft_s <= 0.6 and a.extra_per_token_s == 0.02
    assert a.extra_ttft_s == again.extra_ttft_s != b.extra_ttft_s


def test_latency_shows_up_in_the_streamed_frames(firedrill_server) -> None:  # type: ignore[no-untyped-def]
    from fake_llm.hooks import Flavour as F

    with firedrill_server.fault("latency", ttft_ms=2000):
        result = firedrill_server.provider.handle(
            F.OPENAI, "/v1/chat/completions", {"authorization": "Bearer k"},
            b'{"model":"fd-large","stream":true,"messages":[{"role":"user","content":"hi"}]}')
    assert result.frames is not None and result.frames[0].delay_s >= 2.0
