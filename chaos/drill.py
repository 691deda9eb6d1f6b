"""A drill: one scenario run against one world on one clock, every step journaled.

The model is written once as simpy processes (traffic, timeline, metrics and alerts, the scripted
responder); a live drill runs them in real time × speed in a background thread, a simulated drill
as fast as possible. Responder and facilitator methods are thread-safe, write an event, and
return plain dicts that never contain ground truth unless the method is the facilitator's.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from typing import Any

from chaos.actions import apply_action
from chaos.clock import CLOCK_ORIGIN, ClockState, DrillClock, clock_label
from chaos.engine import FaultChange, FaultEngine
from chaos.errors import DrillError, FaultError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.faults.base import Fault
from chaos.faults.registry import build_fault
from chaos.scenario import FaultEntry, Scenario, TrafficShape
from chaos.taxonomy import Action, Cause, Symptom, action_key
from chaos.views import answer_event, change_view, status_view, trace_view
from fake_llm.errors import FakeLLMError
from fake_llm.world.changelog import Change
from fake_llm.world.telemetry import AlertChange, Thresholds
from fake_llm.world.world import World, WorldConfig

METRICS_TICK_S = 15.0
PAGE_FALLBACK_S = 180.0  # page anyway this long after the incident starts if no alert fired
RUNNER, WORLD, FACILITATOR = "runner", "world", "facilitator"


def world_config(scenario: Scenario) -> WorldConfig:
    w = scenario.world
    a = w.alerts
    return WorldConfig(
        kb_chunks=w.kb_chunks,
        segments=tuple((s.name, s.weight) for s in w.segments),
        judge_sample_rate=w.judge.sample_rate,
        judge_noise=w.judge.noise,
        metrics_window_s=w.metrics_window_s,
        thresholds=Thresholds(a.error_rate, a.latency_p99_ms, a.quality, a.cost_ratio, a.refusal_rate),
        primary_model=w.primary_model,
        backup_model=w.backup_model,
    )


class Drill:
    def __init__(
        self,
        scenario: Scenario,
        *,
        log: EventLog,
        mode: str = "simulated",
        speed: float | None = None,
        seed: int | None = None,
        team: str | None = None,
        drill_id: str | None = None,
        responder: Any = None,
        masked: bool = False,
    ) -> None:
        self.scenario = scenario
        self.log = log
        self.mode = mode
        self.speed = speed or scenario.speed
        self.seed = scenario.seed if seed is None else seed
        self.live = mode == "live"
        self.id = log.create_drill(scenario.id, seed=self.seed, mode=mode, team=team, drill_id=drill_id)
        self.clock = DrillClock(speed=self.speed if self.live else None)
        self.env = self.clock.env
        self.lock = threading.RLock()
        self.ended = False
        self.paged_at: float | None = None
        self._t: float | None = None  # the exact time of the request being served
        self._buffer: list[tuple[float, EventKind, str, dict[str, Any]]] = []
        self._hints_used = 0
        self._fault_fixes: dict[str, list[str]] = {}
        self.engine = FaultEngine(seed=self.seed, now_s=self.now_s)
        self.world = World(world_config(scenario), seed=self.seed, now_s=self.now_s, hooks=self.engine)
        self.engine.bind(self.world.provider)
        self.engine.listeners.append(self._on_fault_change)
        self.world.changes.listeners.append(self._on_change)
        self.world.telemetry.alert_listeners.append(self._on_alert)
        self.responder = responder
        self.masked = masked  # a spin: responders must not learn which scenario this is
        self._record(
            0.0,
            EventKind.DRILL_STARTED,
            RUNNER,
            {
                "drill_id": self.id,
                "scenario_id": scenario.id,
                "seed": self.seed,
                "speed": self.speed,
                "mode": mode,
                "clock_origin": CLOCK_ORIGIN.isoformat(),
                "team": team,
            },
        )
        for process in (self._traffic(), self._timeline(), self._metrics(), self._end()):
            self.env.process(process)
        if responder is not None:
            self.env.process(responder.run(self))

    # --- time and journal --------------------------------------------------------------------

    @property
    def display_title(self) -> str:
        return "a mystery scenario (spin)" if self.masked else self.scenario.title

    def now_s(self) -> float:
        return self._t if self._t is not None else float(self.env.now)

    def _record(self, t_s: float, kind: EventKind, actor: str, data: dict[str, Any]) -> None:
        if self.live:
            self.log.append(self.id, t_s, kind, actor, data)
        else:
            self._buffer.append((t_s, kind, actor, data))
            if len(self._buffer) >= 5000:
                self.flush()

    def flush(self) -> None:
        if self._buffer:
            self.log.append_many(self.id, self._buffer)
            self._buffer = []

    # --- processes ---------------------------------------------------------------------------

    def _rate(self, t_s: float) -> float:
        traffic = self.scenario.world.traffic
        if traffic.shape is TrafficShape.DIURNAL:
            return traffic.rate_per_s * (1 + 0.3 * math.sin(2 * math.pi * t_s / 3600))
        if traffic.shape is TrafficShape.SPIKY and int(t_s // 300) % 4 == 3:
            return traffic.rate_per_s * 2.5
        return traffic.rate_per_s

    def _traffic(self) -> Any:
        """Poisson arrivals, one simpy step per second of drill time with exact request times inside it."""
        rng = random.Random(f"traffic:{self.seed}")
        n = 0
        while True:
            second = float(self.env.now)
            arrivals = sorted(rng.random() for _ in range(_poisson(rng, self._rate(second))))
            with self.lock:
                for offset in arrivals:
                    self._t = second + offset
                    user, segment, question = self.world.next_request(rng)
                    n += 1
                    answer = self.world.ask(user=user, segment=segment, question=question, trace_id=f"tr-{n:06d}")
                    judged = self.world.telemetry.judgements.get(answer.trace_id)
                    self._record(self._t, EventKind.REQUEST, WORLD, answer_event(answer, judged))
                self._t = None
            yield self.env.timeout(1.0)

    def _timeline(self) -> Any:
        for i, item in enumerate(sorted(self.scenario.timeline, key=lambda it: it.at_s)):
            if item.at_s > self.env.now:
                yield self.env.timeout(item.at_s - self.env.now)
            with self.lock:
                if item.change is not None:
                    c = item.change
                    self.world.add_change(c.kind.value, c.summary, author=c.author, change_id=c.id)
                elif item.fault is not None:
                    fault = self._start_fault(item.fault, f"{item.fault.type}-{i + 1}")
                    if item.stop_s is not None:
                        self.env.process(self._stop_later(fault.id, item.stop_s))

    def _stop_later(self, fault_id: str, at_s: float) -> Any:
        yield self.env.timeout(at_s - self.env.now)
        with self.lock:
            self._stop_fault(fault_id)

    def _metrics(self) -> Any:
        while True:
            yield self.env.timeout(METRICS_TICK_S)
            with self.lock:
                m = self.world.metrics()
                self._record(m.t_s, EventKind.METRICS, WORLD, m.to_dict())
                if self.paged_at is None and self.now_s() >= self.scenario.ground_truth.started_s + PAGE_FALLBACK_S:
                    self._page("user reports")

    def _end(self) -> Any:
        yield self.env.timeout(self.scenario.duration_s)
        self.end(reason="scheduled end")

    def record_answer(self, answer: Any) -> None:
        """A request that came in over HTTP (a team's own client) goes into the journal too."""
        self._record(answer.t_s, EventKind.REQUEST, WORLD,
                     answer_event(answer, self.world.telemetry.judgements.get(answer.trace_id)))

    # --- listeners: what the world does becomes events -----------------------------------------

    def _on_fault_change(self, change: FaultChange) -> None:
        kind = EventKind.FAULT_STARTED if change.op in ("added", "updated") else EventKind.FAULT_STOPPED
        self._record(
            self.now_s(),
            kind,
            RUNNER,
            {
                "fault_id": change.fault["id"],
                "type": change.fault["type"],
                "stage": change.fault["stage"],
                "params": change.fault["params"],
                "target": change.fault["target"],
            },
        )

    def _on_change(self, change: Change) -> None:
        truth = change.id == self.scenario.ground_truth.change_id
        self._record(
            change.t_s, EventKind.CHANGE, RUNNER, {**change.to_dict(), "change_id": change.id, "true_cause": truth}
        )

    def _on_alert(self, alert: AlertChange) -> None:
        kind = EventKind.ALERT_FIRED if alert.firing else EventKind.ALERT_RESOLVED
        self._record(
            alert.t_s,
            kind,
            WORLD,
            {"alert": alert.alert, "value": round(alert.value, 4), "threshold": round(alert.threshold, 4)},
        )
        if alert.firing and self.paged_at is None and alert.t_s >= self.scenario.ground_truth.started_s - 60:
            self._page(alert.alert)

    def _page(self, alert: str) -> None:
        self.paged_at = self.now_s()
        b = self.scenario.briefing
        self._record(
            self.paged_at, EventKind.PAGE, RUNNER, {"alert": alert, "summary": b.page, "briefing": b.model_dump()}
        )

    # --- faults --------------------------------------------------------------------------------

    def _start_fault(self, entry: FaultEntry, default_id: str) -> Fault:
        fault = build_fault(
            entry.type, id=entry.id or default_id, params=entry.params, target=entry.target, seed=self.seed
        )
        self._fault_fixes[fault.id] = list(entry.fixed_by)
        self.engine.add(fault)
        fault.on_start(self.world)
        return fault

    def _stop_fault(self, fault_id: str) -> None:
        try:
            fault = self.engine.remove(fault_id)
        except FaultError:
            return  # already fixed by a responder
        fault.on_stop(self.world)

    # --- responder API -------------------------------------------------------------------------

    def _guard(self) -> None:
        if self.ended:
            raise DrillError("the drill is not running (it has ended)")

    def act(self, actor: str, action: Action | str, arg: str | None = None) -> dict[str, Any]:
        """A responder control: flips the world, writes the action event, ends faults it fixes."""
        self._guard()
        action = Action(action)
        with self.lock:
            try:
                message = apply_action(self.world, action, arg, by=actor)
            except FakeLLMError as exc:
                raise DrillError(str(exc)) from None
            key = action_key(action, arg)
            for fault_id, fixes in list(self._fault_fixes.items()):
                if (key in fixes or action.value in fixes) and fault_id in {f.id for f in self.engine.list()}:
                    self._stop_fault(fault_id)
            self._record(
                self.now_s(),
                EventKind.ACTION,
                actor,
                {"action": action.value, "arg": arg, "ok": True, "message": message},
            )
        return {"action": action.value, "arg": arg, "message": message, "at": clock_label(self.now_s())}

    def declare(self, actor: str, **fields: Any) -> dict[str, Any]:
        self._guard()
        known = {"started_s", "fraction", "segment", "symptom", "cause", "change_id", "topics"}
        unknown = set(fields) - known
        if unknown:
            raise DrillError(f"unknown declaration fields {sorted(unknown)}; allowed: {', '.join(sorted(known))}")
        data = {k: v for k, v in fields.items() if v is not None}
        if "symptom" in data and data["symptom"] not in {s.value for s in Symptom}:
            raise DrillError(
                f"unknown symptom {data['symptom']!r}; choose one of {', '.join(s.value for s in Symptom)}"
            )
        if "cause" in data and data["cause"] not in {c.value for c in Cause}:
            raise DrillError(f"unknown cause {data['cause']!r}; choose one of {', '.join(c.value for c in Cause)}")
        if "fraction" in data and not 0 <= float(data["fraction"]) <= 1:
            raise DrillError("fraction must be between 0 and 1")
        if not data:
            raise DrillError("declare at least one field (started, fraction, segment, symptom, cause, change)")
        with self.lock:
            self._record(self.now_s(), EventKind.DECLARATION, actor, data)
        return {"declared": data, "at": clock_label(self.now_s())}

    def note(self, actor: str, text: str) -> dict[str, Any]:
        self._guard()
        with self.lock:
            self._record(self.now_s(), EventKind.NOTE, actor, {"text": text})
        return {"noted": text, "at": clock_label(self.now_s())}

    def role(self, actor: str, role: str) -> dict[str, Any]:
        self._guard()
        with self.lock:
            self._record(self.now_s(), EventKind.ROLE, actor, {"role": role})
        return {"actor": actor, "role": role}

    def hint(self, actor: str) -> dict[str, Any]:
        self._guard()
        hints = self.scenario.hints
        if self._hints_used >= len(hints):
            return {"hint": None, "message": "no more hints for this scenario"}
        h = hints[self._hints_used]
        with self.lock:
            self._record(
                self.now_s(), EventKind.HINT, actor, {"index": self._hints_used, "text": h.text, "cost": h.cost}
            )
            self._hints_used += 1
        return {"hint": h.text, "cost": h.cost, "index": self._hints_used}

    def status(self) -> dict[str, Any]:
        with self.lock:
            return status_view(self)

    def traces(
        self,
        *,
        failing: bool = False,
        limit: int = 20,
        model: str | None = None,
        prompt: str | None = None,
        topic: str | None = None,
        segment: str | None = None,
    ) -> list[dict[str, Any]]:
        """The newest traces first, filtered as an on-call's trace explorer would (model by name or version)."""
        with self.lock:
            judgements = self.world.telemetry.judgements

            def keep(a: Any) -> bool:
                if failing and not (a.status in ("error", "refused") or judgements.get(a.trace_id) is False):
                    return False
                return (
                    (model is None or model in (a.model, a.model_version))
                    and (prompt is None or a.prompt_version == prompt)
                    and (topic is None or a.question.topic == topic)
                    and (segment is None or a.segment == segment)
                )

            newest = reversed(self.world.telemetry.traces.values())
            picked = list(itertools.islice((a for a in newest if keep(a)), limit))
            return [trace_view(a, judgements.get(a.trace_id), brief=True) for a in picked]

    def trace(self, trace_id: str) -> dict[str, Any]:
        with self.lock:
            try:
                answer = self.world.trace(trace_id)
            except FakeLLMError as exc:
                raise DrillError(str(exc)) from None
            return trace_view(answer, self.world.telemetry.judgements.get(trace_id), world=self.world)

    def changes(self, since_s: float | None = None) -> list[dict[str, Any]]:
        """Change-log entries of the last ``since_s`` drill seconds (all of them by default)."""
        with self.lock:
            start = float("-inf") if since_s is None else self.now_s() - since_s
            return [change_view(c) for c in self.world.changes.entries if c.t_s >= start]

    def replay(
        self, actor: str, trace_id: str, *, prompt: str | None = None, model: str | None = None
    ) -> dict[str, Any]:
        self._guard()
        with self.lock:
            try:
                answer = self.world.replay(trace_id, prompt_version=prompt, model=model)
            except FakeLLMError as exc:
                raise DrillError(str(exc)) from None
            self._record(
                self.now_s(),
                EventKind.NOTE,
                actor,
                {"text": f"replayed {trace_id}", "replay": {"trace_id": trace_id, "prompt": prompt, "model": model}},
            )
            return trace_view(answer, None, world=self.world)

    # --- facilitator API -----------------------------------------------------------------------

    @property
    def state(self) -> ClockState:
        return ClockState.ENDED if self.ended else self.clock.state

    def pause(self) -> dict[str, Any]:
        self._guard()
        with self.lock:
            if self.clock.pause():
                self._record(self.now_s(), EventKind.DRILL_PAUSED, FACILITATOR, {})
        return {"state": self.state.value, "paused_at": clock_label(self.now_s())}

    def resume(self) -> dict[str, Any]:
        self._guard()
        with self.lock:
            if self.clock.resume():
                self._record(self.now_s(), EventKind.DRILL_RESUMED, FACILITATOR, {})
        return {"state": self.state.value, "resumed_at": clock_label(self.now_s())}

    def inject(self, spec: dict[str, Any]) -> dict[str, Any]:
        self._guard()
        try:
            entry = FaultEntry.model_validate(spec)
        except ValueError as exc:
            raise DrillError(f"invalid fault: {exc}") from None
        with self.lock:
            try:
                fault = self._start_fault(entry, self.engine.new_id(entry.type))
            except FaultError as exc:
                raise DrillError(str(exc)) from None
        return fault.to_dict()

    def reveal(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "ground_truth": self.scenario.ground_truth.model_dump(mode="json"),
            "facilitator_notes": self.scenario.facilitator_notes,
        }

    def end(self, reason: str = "ended by facilitator") -> dict[str, Any]:
        with self.lock:
            if self.ended:
                return {"ended": True}
            self.ended = True
            self._record(self.now_s(), EventKind.DRILL_ENDED, RUNNER, {"reason": reason})
            self.flush()
            self.log.finish(self.id, "ended")
        self.clock.stop()
        return {"ended": True, "drill_id": self.id, "at": clock_label(self.now_s())}

    # --- running -------------------------------------------------------------------------------

    def run(self) -> str:
        """Run to the end as fast as possible (simulated) or in real time (live, blocking)."""
        while not self.ended:
            if not self.clock.step() and not self.ended:
                self.end(reason="nothing left to simulate")
        self.flush()
        return self.id

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name=f"drill-{self.id}", daemon=True)
        thread.start()
        return thread


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method for small rates, a rounded normal for large ones: deterministic from ``rng``."""
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
