"""The fault engine: the active faults, and the one place stages ask them to act.

It implements ``fake_llm.hooks.Hooks``. Faults are kept per stage so a request pays only for the
faults of the stage it is in, and targeting is checked before any fault code runs. Every change
(add, update, remove, reset) is timed on the engine's clock and told to listeners, which is how a
drill writes fault events and how ``serve`` keeps its audit trail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chaos.errors import FaultError, UnknownFaultError
from chaos.faults.base import Fault, model_matches
from fake_llm.hooks import Stage


@dataclass(frozen=True)
class FaultChange:
    at_s: float
    op: str  # added | updated | removed | reset
    fault: dict[str, Any]


Listener = Callable[[FaultChange], None]


@dataclass
class FaultEngine:
    seed: int = 0
    now_s: Callable[[], float] | None = None  # the drill clock; seconds since the engine started if None
    target: Any = None  # what stages act on beyond the request: the provider (for model_change)
    listeners: list[Listener] = field(default_factory=list)
    audit: list[FaultChange] = field(default_factory=list)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _by_stage: dict[Stage, tuple[Fault, ...]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _started: float = field(default_factory=time.monotonic)
    _stage_models: dict[Stage, frozenset[str] | None] = field(default_factory=dict)
    _scheduled: bool = False  # any fault with a start or stop time: only then is the clock read
    _next: int = 0

    def bind(self, target: Any) -> None:
        """The provider (or world) whose state some faults change, such as model aliases."""
        self.target = target

    def clock(self) -> float:
        return self.now_s() if self.now_s else time.monotonic() - self._started

    def new_id(self, type_name: str) -> str:
        with self._lock:
            self._next += 1
            return f"{type_name}-{self._next}"

    # --- the Hooks interface ---------------------------------------------------------------

    def apply(self, stage: Stage, ctx: Any) -> None:
        faults = self._by_stage.get(stage)
        if not faults:
            return
        info = ctx.info
        models = self._stage_models.get(stage)
        if models is not None and not model_matches(info, models):
            return  # every fault of this stage targets other models: the common idle case, at a few lookups
        now = self.clock() if self._scheduled else 0.0
        for fault in faults:
            if (not self._scheduled or fault.active_at(now)) and fault.hits(info):
                fault.apply(ctx)
                injected = getattr(ctx, "injected", None)
                if injected is not None:
                    injected.append(fault.id)

    # --- control ---------------------------------------------------------------------------

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            if fault.id in self._faults:
                raise FaultError(f"a fault with id {fault.id!r} already exists; remove it or pick another id")
            fault.engine = self
            self._faults[fault.id] = fault
            self._reindex()
        self._tell("added", fault)
        return fault

    def replace(self, fault: Fault) -> Fault:
        with self._lock:
            if fault.id not in self._faults:
                raise self._unknown(fault.id)
            fault.engine = self
            self._faults[fault.id] = fault
            self._reindex()
        self._tell("updated", fault)
        return fault

    def remove(self, fault_id: str) -> Fault:
        with self._lock:
            try:
                fault = self._faults.pop(fault_id)
            except KeyError:
                raise self._unknown(fault_id) from None
            self._reindex()
        fault.on_remove()
        self._tell("removed", fault)
        return fault

    def reset(self) -> list[Fault]:
        with self._lock:
            removed = list(self._faults.values())
            self._faults.clear()
            self._reindex()
        for fault in removed:
            fault.on_remove()
            self._tell("removed", fault)
        return removed

    def get(self, fault_id: str) -> Fault:
        try:
            return self._faults[fault_id]
        except KeyError:
            raise self._unknown(fault_id) from None

    def _unknown(self, fault_id: str) -> UnknownFaultError:
        return UnknownFaultError(f"no fault with id {fault_id!r}; known: {', '.join(self._faults) or 'none'}")

    def list(self) -> list[Fault]:
        return list(self._faults.values())

    def _reindex(self) -> None:
        by_stage: dict[Stage, list[Fault]] = {}
        for fault in sorted(self._faults.values(), key=lambda f: f.order):  # stable: routing faults first
            by_stage.setdefault(fault.stage, []).append(fault)
        self._by_stage = {stage: tuple(fs) for stage, fs in by_stage.items()}
        self._stage_models = {
            stage: frozenset(m for f in fs for m in f.target.models) if all(f.target.models for f in fs) else None
            for stage, fs in by_stage.items()
        }
        self._scheduled = any(f.start_s is not None or f.stop_s is not None for f in self._faults.values())

    def _tell(self, op: str, fault: Fault) -> None:
        change = FaultChange(self.clock(), op, fault.to_dict())
        self.audit.append(change)
        for listener in list(self.listeners):
            listener(change)
