"""Targeting for world faults, new snapshots and the ways a fault lands where real ones do."""

from __future__ import annotations

import random

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm.world.world import World
from tests.chaos.faults.world_support import quality, run, share


def test_a_prompt_regression_on_one_topic_breaks_that_topic_only_and_rolls_back() -> None:
    world, answers = run("prompt_regression", {"change_id": "CHG-9"}, target={"topics": ["refunds"]})
    refunds = [a for a in answers if a.question.topic == "refunds"]
    others = [a for a in answers if a.question.topic != "refunds"]
    assert refunds and quality(refunds) < 0.7 and quality(others) >= 0.97
    assert world.prompts.current.version == "v2" and "refunds questions" in world.prompts.current.text
    world.rollback_prompt()
    rng = random.Random(5)
    again = [world.ask(user="u", segment="free", question=q)
             for q in rng.sample([q for q in world.kb.golden if q.topic == "refunds"], 5) for _ in range(2)]
    assert quality(again) == 1.0


def test_an_embedding_change_misses_for_a_share_until_the_index_is_rebuilt_with_the_new_model() -> None:
    world, answers = run("embedding_change", {"miss_share": 0.5})
    assert {(a.embedding_model, a.index_embedding_model) for a in answers} == {("fd-embed-2", "fd-embed-1")}
    assert 0.3 < share(answers, lambda a: a.bad) < 0.7
    assert world.catalog.resolve("fd-embed").version == "fd-embed-2"
    world.rebuild_index()
    rng = random.Random(3)
    after = [world.ask(user="u", segment="free", question=rng.choice(world.kb.golden)) for _ in range(30)]
    assert quality(after) == 1.0 and {a.index_embedding_model for a in after} == {"fd-embed-2"}


def test_a_sticky_partial_outage_fails_the_same_requests_on_every_retry() -> None:
    _, plain = run("outage", target={"fraction": 0.2})
    _, sticky = run("outage", target={"fraction": 0.2, "sticky": True})
    assert share(plain, lambda a: a.status == "error") < 0.05  # the SDK's retries hide a non-sticky one
    assert 0.1 < share(sticky, lambda a: a.status == "error") < 0.3
    assert all(a.attempts == 3 for a in sticky if a.status == "error")


def test_the_apps_parse_retries_bill_every_attempt() -> None:
    engine = FaultEngine(seed=1)
    world = World(seed=1, hooks=engine)
    engine.bind(world.provider)
    engine.add(build_fault("schema_error", id="s", params={"kind": "invalid_json_mode"}, target={"fraction": 0.5},
                           seed=1))
    rng = random.Random(2)
    questions = [rng.choice(world.kb.golden) for _ in range(60)]
    once = [world.ask(user="u", segment="free", question=q) for q in questions]
    world.controls.parse_retries = 4
    retried = [world.ask(user="u", segment="free", question=q) for q in questions]
    assert share(once, lambda a: a.status == "error") > 0.3 > share(retried, lambda a: a.status == "error")
    assert sum(a.cost_usd for a in retried) > 1.5 * sum(a.cost_usd for a in once if a.status == "ok")
    assert max(a.attempts for a in retried) > 1


def test_a_creeping_context_growth_starts_small_and_grows() -> None:
    now = [0.0]
    engine = FaultEngine(seed=1, now_s=lambda: now[0])
    world = World(seed=1, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider, world=world)
    engine.add(build_fault("context_growth", id="c", params={"extra_chunks": 40, "ramp_min": 10}, seed=1))
    q = world.kb.golden[0]
    sizes = []
    for minute in (0, 5, 10, 20):
        now[0] = minute * 60.0
        sizes.append(len(world.ask(user="u", segment="free", question=q).chunks))
    assert sizes[0] < sizes[1] < sizes[2] == sizes[3]
