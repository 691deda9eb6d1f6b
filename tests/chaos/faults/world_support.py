"""Drive a drill world with one fault, the way the drill runner does, for the world fault tests.

Shared by the one-file-per-type tests so each reads as its decision-tree row: same seed, same
traffic, one fault; the healthy run is the baseline every "and no other metric moved" check uses.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm.world.feature import Answer
from fake_llm.world.telemetry import Metrics
from fake_llm.world.world import World

N = 600
STEP_S = 0.1  # 600 requests in one 60 s metrics window


def run(fault_type: str | None = None, params: dict[str, Any] | None = None,
        target: dict[str, Any] | None = None, n: int = N) -> tuple[World, list[Answer]]:
    """A seeded world under ``fault_type`` (started as the runner starts it) answering ``n`` requests."""
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
        now[0] = i * STEP_S
        user, segment, question = world.next_request(rng)
        answers.append(world.ask(user=user, segment=segment, question=question))
    return world, answers


@cache
def baseline() -> tuple[World, tuple[Answer, ...]]:
    world, answers = run()
    return world, tuple(answers)


def baseline_metrics() -> Metrics:
    return baseline()[0].metrics(record=False)


def quality(answers: list[Answer] | tuple[Answer, ...]) -> float:
    """The true share of served answers that are correct."""
    served = [a for a in answers if a.served]
    return sum(a.correct for a in served) / len(served)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def share(answers: list[Answer], predicate: Any) -> float:
    return sum(1 for a in answers if predicate(a)) / len(answers)
