"""Each world fault moves the metrics its decision-tree row predicts, and no others beyond noise."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm.world.feature import Answer
from fake_llm.world.world import World


def run(fault_type: str | None = None, params: dict[str, Any] | None = None, target: dict[str, Any] | None = None,
        n: int = 600) -> tuple[World, list[Answer]]:
    now = [0.0]
    engine = FaultEngine(seed=1, now_s=lambda: now[0])
    world = World(seed=1, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider)
    if fault_type:
        fault = build_fault(fault_type, id="f", params=params or {}, target=target or {}, seed=1)
        engine.add(fault)
        fault.on_start(world)
    rng = random.Random(2)
    answers = []
    for i in range(n):
        now[0] = i * 0.1
        user, segment, question = world.next_request(rng)
        answers.append(world.ask(user=user, segment=segment, question=question))
    return world, answers


def quality(answers: list[Answer]) -> float:
    served = [a for a in answers if a.served]
    return sum(a.correct for a in served) / len(served)


BASE_WORLD, BASE = run()


def test_baseline_is_healthy() -> None:
    assert quality(BASE) >= 0.97 and not any(a.status == "error" for a in BASE)


def test_prompt_regression_is_a_consistent_pattern_across_topics_and_logs_a_deploy() -> None:
    world, answers = run("prompt_regression", {"change_id": "CHG-9"})
    assert quality(answers) < 0.7
    wrong_topics = {a.question.topic for a in answers if a.bad}
    assert wrong_topics == {a.question.topic for a in answers}  # every topic is hit
    assert world.changes.entries[-1].id == "CHG-9" and world.prompts.current.version == "v2"
    world.rollback_prompt()
    rng = random.Random(5)
    after = [world.ask(user="u", segment="free", question=rng.choice(world.kb.golden)) for _ in range(100)]
    assert quality(after) >= 0.97


def test_prompt_regression_format_mode_gives_errors_not_wrong_answers() -> None:
    _, answers = run("prompt_regression", {"mode": "format"})
    assert Counter(a.error_type for a in answers) == {"output_parse_error": len(answers)}


def test_stale_index_outdates_only_answers_from_changed_documents() -> None:
    world, answers = run("stale_index", {"topics": ["pricing"], "share": 0.5})
    bad_topics = {a.question.topic for a in answers if a.bad}
    assert bad_topics == {"pricing"}
    changed = {a.question.fact_id for a in answers if a.bad}
    assert changed <= {f for f in world.kb.facts if world.kb.documents["pricing"].version > 1}
    assert [c.kind for c in world.changes.entries] == ["docs", "index_refresh"]
    world.rebuild_index()
    rng = random.Random(3)
    pricing = [q for q in world.kb.golden if q.topic == "pricing"]
    assert all(world.ask(user="u", segment="free", question=rng.choice(pricing)).correct for _ in range(50))


def test_retrieval_degradation_hits_a_random_subset() -> None:
    _, answers = run("retrieval_degradation", target={"fraction": 0.3})
    bad_share = sum(a.bad for a in answers) / len(answers)
    assert 0.15 <= bad_share <= 0.4
    assert len({a.question.topic for a in answers if a.bad}) >= 5  # spread, not one topic


def test_refusal_spike_raises_refusals_on_the_matched_topics_only() -> None:
    _, answers = run("refusal_spike", target={"topics": ["refunds", "security"]})
    refused_topics = {a.question.topic for a in answers if a.refused}
    assert refused_topics == {"refunds", "security"}
    assert quality(answers) >= 0.97


def test_hallucination_topic_brings_wrong_answers_on_one_new_topic() -> None:
    _, answers = run("hallucination_topic", {"topic": "integrations", "share": 0.3})
    assert {a.question.topic for a in answers if a.bad} == {"integrations"}


def test_context_growth_raises_latency_and_cost_not_quality() -> None:
    _, answers = run("context_growth")
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean([a.context_tokens for a in answers]) > 3 * mean([a.context_tokens for a in BASE])
    assert mean([a.cost_usd for a in answers]) > 2 * mean([a.cost_usd for a in BASE])
    assert mean([a.latency_s for a in answers]) > mean([a.latency_s for a in BASE])
    assert quality(answers) >= 0.95


def test_traffic_shift_moves_segment_and_topic_mix() -> None:
    _, answers = run("traffic_shift", {"segment": "enterprise", "topics": ["security"], "share": 0.5})
    segments = Counter(a.segment for a in answers)
    topics = Counter(a.question.topic for a in answers)
    assert segments["enterprise"] > 0.4 * len(answers) and topics["security"] > 0.4 * len(answers)


def test_provider_faults_reach_the_feature_in_process() -> None:
    _, limited = run("rate_limit", {"retry_after_s": 0.5}, {"fraction": 0.5})
    assert Counter(a.error_type for a in limited if a.status == "error") == {"rate_limit_exceeded": sum(
        a.status == "error" for a in limited)}
    _, broken = run("schema_error", {"kind": "missing_field"})
    assert {a.error_type for a in broken} == {"response_schema_mismatch"}
