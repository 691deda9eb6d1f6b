"""Eval cases are checked against the world as it was during the incident and after the mitigation."""

from __future__ import annotations

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm.world.world import World


def incident_world() -> World:
    now = [100.0]
    engine = FaultEngine(seed=1, now_s=lambda: now[0])
    world = World(seed=1, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider)
    fault = build_fault("prompt_regression", id="f", params={}, target={}, seed=1)
    engine.add(fault)
    fault.on_start(world)
    return world


def test_a_probe_fails_during_the_incident_and_passes_after_the_rollback() -> None:
    world = incident_world()
    golden = next(q for q in world.kb.golden if q.topic == "pricing")
    key = world.kb.expected(golden)
    assert key is not None
    assert not world.probe(golden.text, expect=key).correct
    world.rollback_prompt()
    assert world.probe(golden.text, expect=key).correct


def test_probes_are_not_counted_in_telemetry() -> None:
    world = World(seed=2)
    world.probe(world.kb.golden[0].text)
    assert not world.telemetry.traces and world.metrics(record=False).requests == 0


def test_any_phrasing_of_a_golden_question_maps_to_it_and_others_are_ad_hoc() -> None:
    world = World(seed=2)
    q = world.kb.golden[3]
    assert world.question_for(f"  {q.text.upper()} ") == q
    adhoc = world.question_for("What is the airspeed of a swallow?")
    assert adhoc.fact_id is None and adhoc.topic == "adhoc"
    assert adhoc == world.question_for("What is the airspeed of a swallow?")  # stable id
    honest = world.probe(adhoc.text)  # grounded: the knowledge base lacks it, so "I don't know" is right
    assert honest.correct and "know" in honest.text.lower()
    assert not world.probe(adhoc.text, expect="24 knots").correct
