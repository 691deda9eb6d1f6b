"""The world of a past drill, rebuilt from its journal at any moment, for verifying eval cases.

No traffic is replayed: only what changes answers — faults starting and stopping (with their
lifecycle, so a prompt regression deploys its prompt again) and responder actions — in order.
"""

from __future__ import annotations

from collections.abc import Iterable

from chaos.actions import apply_action
from chaos.drill import world_config
from chaos.engine import FaultEngine
from chaos.events import Event, EventKind
from chaos.faults.registry import build_fault
from chaos.scenario import Scenario
from chaos.taxonomy import Action
from fake_llm.errors import FakeLLMError
from fake_llm.world.world import World


def world_at(events: Iterable[Event], scenario: Scenario, *, seed: int, until_s: float) -> World:
    """The world as it was just before drill time ``until_s``."""
    now = [0.0]
    engine = FaultEngine(seed=seed, now_s=lambda: now[0])
    world = World(world_config(scenario), seed=seed, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider)
    for e in events:
        if e.t_s >= until_s:
            break
        now[0] = e.t_s
        if e.kind is EventKind.FAULT_STARTED:
            d = e.data
            fault = build_fault(d["type"], id=d["fault_id"], params=d["params"], target=d["target"], seed=seed)
            engine.add(fault)
            fault.on_start(world)
        elif e.kind is EventKind.FAULT_STOPPED:
            fault = engine.remove(e.data["fault_id"])
            fault.on_stop(world)
        elif e.kind is EventKind.ACTION:
            try:
                apply_action(world, Action(e.data["action"]), e.data.get("arg"), by=e.actor)
            except FakeLLMError:
                continue  # it failed in the drill too
    now[0] = until_s
    return world
