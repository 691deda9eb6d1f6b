"""Targeting is per request and deterministic: the same seed hits the same requests."""

from __future__ import annotations

import json

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm import Provider
from fake_llm.hooks import Flavour


def _run(seed: int, n: int = 1000, **target: object) -> list[bool]:
    engine = FaultEngine(seed=seed)
    provider = Provider(hooks=engine, seed=seed)
    engine.add(build_fault("outage", id="o", target=dict(target), seed=seed))
    hit = []
    for i in range(n):
        body = json.dumps({"model": "fd-small", "messages": [{"role": "user", "content": f"question {i}"}]}).encode()
        result = provider.handle(Flavour.OPENAI, "/v1/chat/completions", {"authorization": "Bearer k"}, body)
        hit.append(result.status == 503)
    return hit


def test_a_fraction_of_03_hits_30_percent_of_1000_requests_the_same_ones_per_seed() -> None:
    first, again, other = _run(7, fraction=0.3), _run(7, fraction=0.3), _run(8, fraction=0.3)
    assert 250 <= sum(first) <= 350
    assert first == again
    assert first != other


def test_first_n_hits_then_passes() -> None:
    assert _run(1, n=10, first_n=3) == [True] * 3 + [False] * 7


def test_header_keyword_and_model_targeting() -> None:
    engine = FaultEngine()
    provider = Provider(hooks=engine)
    engine.add(build_fault("outage", id="o", target={"headers": {"x-firedrill-segment": "enterprise"},
                                                     "keywords": ["invoice"], "models": ["fd-small"]}))

    def status(model: str, text: str, segment: str) -> int:
        body = json.dumps({"model": model, "messages": [{"role": "user", "content": text}]}).encode()
        headers = {"authorization": "Bearer k", "x-firedrill-segment": segment}
        return provider.handle(Flavour.OPENAI, "/v1/chat/completions", headers, body).status

    assert status("fd-small", "Where is my Invoice?", "enterprise") == 503
    assert status("fd-small", "Where is my invoice?", "free") == 200
    assert status("fd-small", "Where is my order?", "enterprise") == 200
    assert status("fd-large", "Where is my invoice?", "enterprise") == 200


def test_schedule_start_and_stop_on_the_engine_clock() -> None:
    now = [0.0]
    engine = FaultEngine(now_s=lambda: now[0])
    provider = Provider(hooks=engine)
    engine.add(build_fault("outage", id="o", start_s=10, stop_s=20))
    body = b'{"model":"fd-small","messages":[{"role":"user","content":"hi"}]}'

    def status() -> int:
        return provider.handle(Flavour.OPENAI, "/v1/chat/completions", {"authorization": "Bearer k"}, body).status

    seen = []
    for t in (5, 10, 15, 20):
        now[0] = t
        seen.append(status())
    assert seen == [200, 503, 503, 200]


def test_every_change_is_recorded_with_its_time_and_told_to_listeners() -> None:
    now = [3.0]
    engine = FaultEngine(now_s=lambda: now[0])
    told = []
    engine.listeners.append(told.append)
    engine.add(build_fault("latency", id="slow"))
    now[0] = 9.0
    engine.remove("slow")
    assert [(c.at_s, c.op, c.fault["id"]) for c in engine.audit] == [(3.0, "added", "slow"), (9.0, "removed", "slow")]
    assert told == engine.audit
