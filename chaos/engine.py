"""The fault engine: the active faults, the one way they start and stop, and the one place stages
ask them to act.

It implements ``fake_llm.hooks.Hooks``. Every way in (scenario timeline, admin API, ``drill
inject``, fault files, the library and the proxy) hands it a ``FaultSpec``; ``start`` builds the
fault through the registry, adds it, and runs its world effect (``on_start``: a prompt deploy, an
index that stops refreshing) when a drill world is bound; ``remove`` undoes the reverse way.
In a drill the engine also has a scheduler (the drill clock), so a fault given a future start or
a stop is started and stopped at those drill times, world effects included; without one, the
schedule is checked per request. Faults are kept per stage so a request pays only for the faults
of the stage it is in, and targeting is checked before any fault code runs. Every change is timed
on the engine's clock and told to listeners: how a drill journals fault events and ``serve``
keeps its audit trail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chaos.errors import FaultError, UnknownFaultError
from chaos.faults.base import Fault, model_matches
from chaos.faults.registry import build_fault
from chaos.faults.spec import FaultSpec, ScheduledFaultSpec
from fake_llm.hooks import Stage


@dataclass(frozen=True)
class FaultChange:
    at_s: float
    op: str  # added | updated | removed | reset
    fault: dict[str, Any]


Listener = Callable[[FaultChange], None]
Scheduler = Callable[[float, Callable[[], None]], None]  # run this at that time on the drill clock


@dataclass
class FaultEngine:
    seed: int = 0
    now_s: Callable[[], float] | None = None  # the drill clock; seconds since the engine started if None
    target: Any = None  # what stages act on beyond the request: the provider (for model_change)
    world: Any = None  # the drill world whose state world faults change on start (none in serve/proxy)
    scheduler: Scheduler | None = None  # the drill clock's "at": scheduled starts and stops happen on it
    listeners: list[Listener] = field(default_factory=list)
    audit: list[FaultChange] = field(default_factory=list)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _pending: dict[str, Fault] = field(default_factory=dict)  # scheduled to start later on the drill clock
    _fixes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # fault id -> its spec's fixed_by
    _by_stage: dict[Stage, tuple[Fault, ...]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _started: float = field(default_factory=time.monotonic)
    _stage_models: dict[Stage, frozenset[str] | None] = field(default_factory=dict)
    _scheduled: bool = False  # any fault with a start or stop time: only then is the clock read
    _next: int = 0

    def bind(self, target: Any, *, world: Any = None, scheduler: Scheduler | None = None) -> None:
        """The provider whose state some faults change (model aliases), and in a drill its world and clock."""
        self.target = target
        self.world = world
        self.scheduler = scheduler

    def clock(self) -> float:
        return self.now_s() if self.now_s else time.monotonic() - self._started

    def new_id(self, type_name: str) -> str:
        with self._lock:
            self._next += 1
            return f"{type_name}-{self._next}"

    # --- the Hooks interface ---------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """No fault configured (active or scheduled) at any stage: answers are the model's alone."""
        return not self._by_stage

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

    def build(self, spec: FaultSpec, *, start_s: float | None = None, stop_s: float | None = None,
              default_id: str | None = None) -> Fault:
        """The fault a spec describes, validated by its type; times are on the engine's clock."""
        fault_id = spec.id or default_id or self.new_id(spec.type)
        return build_fault(spec.type, id=fault_id, params=spec.params, target=spec.target, start_s=start_s,
                           stop_s=stop_s, seed=self.seed)

    def start(self, spec: FaultSpec, *, start_s: float | None = None, stop_s: float | None = None,
              default_id: str | None = None) -> Fault:
        """Build and add the fault a spec describes: the one way a fault comes in."""
        if isinstance(spec, ScheduledFaultSpec):
            now = self.clock()
            start_s = start_s if spec.start_s is None else now + spec.start_s
            stop_s = stop_s if spec.stop_s is None else now + spec.stop_s
        fault = self.build(spec, start_s=start_s, stop_s=stop_s, default_id=default_id)
        with self._lock:
            self._fixes[fault.id] = tuple(spec.fixed_by)
        return self.add(fault)

    def add(self, fault: Fault) -> Fault:
        """Activate ``fault`` now, or at its ``start_s`` when a drill clock schedules it."""
        with self._lock:
            if fault.id in self._faults or fault.id in self._pending:
                raise FaultError(f"a fault with id {fault.id!r} already exists; remove it or pick another id")
            if self.scheduler is not None and fault.start_s is not None and fault.start_s > self.clock():
                self._pending[fault.id] = fault
                self.scheduler(fault.start_s, lambda: self._activate_pending(fault))
                return fault
        return self._activate(fault)

    def _activate_pending(self, fault: Fault) -> None:
        with self._lock:
            if self._pending.get(fault.id) is not fault:
                return  # removed before its start
            del self._pending[fault.id]
        self._activate(fault)

    def _activate(self, fault: Fault) -> Fault:
        with self._lock:
            fault.engine = self
            self._faults[fault.id] = fault
            self._reindex()
        self._tell("added", fault)
        if self.world is not None:
            fault.on_start(self.world)
        if self.scheduler is not None and fault.stop_s is not None:
            self.scheduler(fault.stop_s, lambda: self._expire(fault))
        return fault

    def _expire(self, fault: Fault) -> None:
        if self._faults.get(fault.id) is fault:  # not already removed (a responder's fix) or replaced
            self.remove(fault.id)

    def replace(self, fault: Fault) -> Fault:
        """Swap a fault's settings in place (same id): the old one stops, the new one starts."""
        with self._lock:
            old = self._faults.get(fault.id)
            if old is None:
                raise self._unknown(fault.id)
            fault.engine = self
            self._faults[fault.id] = fault
            self._reindex()
        old.on_remove()
        if self.world is not None:
            old.on_stop(self.world)
        self._tell("updated", fault)
        if self.world is not None:
            fault.on_start(self.world)
        return fault

    def remove(self, fault_id: str) -> Fault:
        with self._lock:
            pending = self._pending.pop(fault_id, None)
            if pending is not None:
                return pending  # never started: nothing to undo
            try:
                fault = self._faults.pop(fault_id)
            except KeyError:
                raise self._unknown(fault_id) from None
            self._fixes.pop(fault_id, None)
            self._reindex()
        self._stopped(fault)
        return fault

    def reset(self) -> list[Fault]:
        with self._lock:
            removed = list(self._faults.values())
            self._faults.clear()
            self._pending.clear()
            self._fixes.clear()
            self._reindex()
        for fault in removed:
            self._stopped(fault)
        return removed

    def _stopped(self, fault: Fault) -> None:
        fault.on_remove()
        self._tell("removed", fault)
        if self.world is not None:
            fault.on_stop(self.world)

    def fixed_by(self, key: str, name: str) -> list[str]:
        """The active faults a responder action ends (its ``name:arg`` key or bare name in ``fixed_by``)."""
        with self._lock:
            return [fid for fid, fixes in self._fixes.items()
                    if fid in self._faults and (key in fixes or name in fixes)]

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
