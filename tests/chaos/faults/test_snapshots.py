"""Faults land where real ones do: on a model (every snapshot of it) or on one snapshot, seen honestly in traces."""

from __future__ import annotations

import random

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm.world.world import World


def _world(*faults: tuple[str, dict, dict]) -> World:
    engine = FaultEngine(seed=3)
    world = World(seed=3, hooks=engine)
    engine.bind(world.provider)
    for i, (kind, params, target) in enumerate(faults):
        fault = build_fault(kind, id=f"f{i}", params=params, target=target, seed=3)
        engine.add(fault)
        fault.on_start(world)
    return world


def _ask(world: World, model: str, n: int = 20) -> list:
    rng = random.Random(1)
    world.controls.model = model
    return [world.ask(user="u1", segment="free", question=rng.choice(world.kb.golden)) for _ in range(n)]


NEW = {"alias": "fd-large", "to_version": "fd-large-2026-11-20", "behaves_like": "fd-large-2026-09-01"}


def test_an_outage_of_a_model_hits_every_snapshot_of_it_so_pinning_a_version_does_not_escape() -> None:
    world = _world(("outage", {}, {"models": ["fd-large"]}))
    assert all(a.status == "error" for a in _ask(world, "fd-large"))
    assert all(a.status == "error" for a in _ask(world, "fd-large-2026-09-01"))
    assert all(a.status == "ok" for a in _ask(world, "fd-small"))


def test_an_untargeted_outage_hits_every_model_the_provider_serves() -> None:
    world = _world(("outage", {}, {}))
    assert all(a.status == "error" for m in ("fd-large", "fd-large-2026-09-01", "fd-small") for a in _ask(world, m))


def test_a_repointed_alias_shows_the_new_snapshot_and_fingerprint_in_traces() -> None:
    world = _world(("model_change", NEW, {}))
    after = _ask(world, "fd-large")
    assert {a.model_version for a in after} == {"fd-large-2026-11-20"}
    assert {a.system_fingerprint for a in after} != {"fp_fdl0901"}
    pinned = _ask(world, "fd-large-2026-09-01")
    assert {(a.model_version, a.system_fingerprint) for a in pinned} == {("fd-large-2026-09-01", "fp_fdl0901")}
    assert "fd-large-2026-11-20" in world.catalog.names()


def test_a_fault_on_one_snapshot_is_cured_by_pinning_the_previous_dated_version() -> None:
    world = _world(("model_change", NEW, {}), ("schema_error", {"kind": "missing_field"},
                                                {"models": ["fd-large-2026-11-20"]}))
    assert all(a.status == "error" for a in _ask(world, "fd-large"))
    assert all(a.status == "ok" for a in _ask(world, "fd-large-2026-09-01"))


def test_a_canary_moves_only_its_segment_to_the_new_snapshot() -> None:
    world = _world(("model_change", NEW, {"segments": ["enterprise"]}))
    rng = random.Random(2)
    answers = [world.ask(user="u", segment=seg, question=rng.choice(world.kb.golden))
               for seg in ("free", "enterprise") for _ in range(10)]
    assert {(a.segment, a.model_version) for a in answers} == {("free", "fd-large-2026-09-01"),
                                                               ("enterprise", "fd-large-2026-11-20")}
