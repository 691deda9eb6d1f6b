"""stale_index: documents change, the refresh fails: only answers from changed documents go out of date."""

from __future__ import annotations

import random

from tests.chaos.faults.world_support import baseline, mean, run, share


def test_only_answers_from_changed_documents_are_outdated() -> None:
    world, answers = run("stale_index", {"topics": ["pricing"], "share": 0.5})
    assert {a.question.topic for a in answers if a.bad} == {"pricing"}
    changed_facts = {f for f in world.kb.facts if world.kb.documents["pricing"].version > 1}
    assert {a.question.fact_id for a in answers if a.bad} <= changed_facts
    other = [a for a in answers if a.question.topic != "pricing" and a.served]
    assert all(a.correct for a in other)


def test_no_other_metric_moves() -> None:
    _, answers = run("stale_index", {"topics": ["pricing"], "share": 0.5})
    base = list(baseline()[1])
    assert share(answers, lambda a: a.status == "error") == 0 and share(answers, lambda a: a.refused) == 0
    assert abs(mean([a.latency_s for a in answers]) - mean([a.latency_s for a in base])) < 0.1
    assert abs(mean([a.cost_usd for a in answers]) / mean([a.cost_usd for a in base]) - 1) < 0.1


def test_the_change_log_shows_the_docs_update_and_the_failed_refresh() -> None:
    world, _ = run("stale_index", n=5)
    assert [c.kind for c in world.changes.entries] == ["docs", "index_refresh"]


def test_rebuilding_the_index_fixes_the_outdated_answers() -> None:
    world, _ = run("stale_index", {"topics": ["pricing"], "share": 1.0}, n=5)
    world.rebuild_index()
    rng = random.Random(3)
    pricing = [q for q in world.kb.golden if q.topic == "pricing"]
    assert all(world.ask(user="u", segment="free", question=rng.choice(pricing)).correct for _ in range(50))
