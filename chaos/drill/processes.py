"""The drill model: one world on one clock, driven by simpy processes, every step journaled.

Traffic, the scenario's timeline, metrics and alerts, the page and the scheduled end are plain
simpy generators; a live drill and a simulated one run the very same processes and differ only in
the pacing of ``DrillClock``. Listeners turn what the world does (fault starts and stops, change
log entries, alerts) into events. The model knows nothing of HTTP, tokens or who is asking: the
session (``chaos.drill.session``) is the only way in from outside, and holds the same lock.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Generator
from typing import Any

import simpy

from chaos.clock import CLOCK_ORIGIN, ClockState, DrillClock
from chaos.drill.journal import Journal
from chaos.engine import FaultChange, FaultEngine
from chaos.events import RUNNER, WORLD, EventKind
from chaos.scenario import Scenario, TrafficShape, apply_change
from chaos.taxonomy import Action, action_key
from chaos.views import answer_event
from fake_llm.world.changelog import Change
from fake_llm.world.feature import Answer
from fake_llm.world.status_page import StatusPage, StatusSettings, Update
from fake_llm.world.telemetry import AlertChange, Thresholds
from fake_llm.world.world import World, WorldConfig

METRICS_TICK_S = 15.0
PAGE_FALLBACK_S = 180.0  # page anyway this long after the incident starts if no alert fired

Process = Generator[simpy.Event, Any, Any]


def world_config(scenario: Scenario) -> WorldConfig:
    """The world a scenario describes."""
    w = scenario.world
    a, s = w.alerts, w.provider_status
    return WorldConfig(
        kb_chunks=w.kb_chunks,
        segments=tuple((s.name, s.weight) for s in w.segments),
        judge_sample_rate=w.judge.sample_rate,
        judge_noise=w.judge.noise,
        metrics_window_s=w.metrics_window_s,
        thresholds=Thresholds(a.error_rate, a.latency_p99_ms, a.quality, a.cost_ratio, a.refusal_rate),
        primary_model=w.primary_model,
        backup_model=w.backup_model,
        status_page=StatusSettings(silent_chance=s.silent_chance, post_delay_s=(s.post_delay_min[0] * 60,
                                   s.post_delay_min[1] * 60), identify_after_s=(s.identify_after_min[0] * 60,
                                                                                s.identify_after_min[1] * 60)),
    )


class DrillModel:
    """The world, its fault engine and the processes that drive them; callers hold ``lock``."""

    def __init__(self, scenario: Scenario, *, journal: Journal, clock: DrillClock, seed: int) -> None:
        self.scenario = scenario
        self.journal = journal
        self.clock = clock
        self.env = clock.env
        self.seed = seed
        self.lock = clock.lock  # the one lock: the runner thread (for each step) and every request thread
        self.ended = False
        self.paged_at: float | None = None
        # the page comes from what monitoring sees once the incident is under way (the first fault of the
        # timeline), never from the ground truth: before it, an alert is noise nobody is paged for
        faults_at = [item.at_s for item in scenario.timeline if item.fault is not None]
        self.incident_start_s: float | None = min(faults_at) if faults_at else None
        page_at = scenario.briefing.page_at_min
        self.page_at_s: float | None = (page_at * 60 if page_at is not None else
                                        None if self.incident_start_s is None else
                                        self.incident_start_s + PAGE_FALLBACK_S)
        self.fault_actor = RUNNER  # who fault events name: the facilitator while an inject or admin call runs
        self._t: float | None = None  # the exact time of the request being served
        self.engine = FaultEngine(seed=seed, now_s=self.now_s)
        self.world = World(world_config(scenario), seed=seed, now_s=self.now_s, hooks=self.engine)
        self.engine.bind(self.world.provider, world=self.world, scheduler=self.at)
        self.engine.listeners.append(self._on_fault_change)
        self.world.changes.listeners.append(self._on_change)
        self.world.telemetry.alert_listeners.append(self._on_alert)
        post_incidents(self.world.status_page, scenario)

    def start(self, *, drill_id: str, speed: float | None, mode: str, team: str | None,
              responder: Callable[[], Process] | None) -> None:
        """Journal the start and schedule every process."""
        self.record(0.0, EventKind.DRILL_STARTED, RUNNER, {
            "drill_id": drill_id, "scenario_id": self.scenario.id, "seed": self.seed, "speed": speed, "mode": mode,
            "clock_origin": CLOCK_ORIGIN.isoformat(), "team": team,
        })
        for process in (self._traffic(), self._timeline(), self._metrics(), self._end()):
            self.env.process(process)
        if responder is not None:
            self.env.process(responder())

    # --- time and journal --------------------------------------------------------------------

    def now_s(self) -> float:
        return self._t if self._t is not None else float(self.env.now)

    @property
    def state(self) -> ClockState:
        return ClockState.ENDED if self.ended else self.clock.state

    def record(self, t_s: float, kind: EventKind, actor: str, data: dict[str, Any]) -> None:
        self.journal.record(t_s, kind, actor, data)

    def record_answer(self, answer: Answer) -> None:
        self.record(answer.t_s, EventKind.REQUEST, WORLD,
                    answer_event(answer, self.world.telemetry.judgements.get(answer.trace_id)))

    def end(self, reason: str) -> bool:
        """Journal the end, commit and stop the clock; False if it had already ended."""
        if self.ended:
            return False
        self.ended = True
        self.record(self.now_s(), EventKind.DRILL_ENDED, RUNNER, {"reason": reason})
        self.journal.finish("ended")
        self.clock.stop()
        return True

    # --- processes ---------------------------------------------------------------------------

    def _rate(self, t_s: float) -> float:
        traffic = self.scenario.world.traffic
        if traffic.shape is TrafficShape.DIURNAL:
            return traffic.rate_per_s * (1 + 0.3 * math.sin(2 * math.pi * t_s / 3600))
        if traffic.shape is TrafficShape.SPIKY and int(t_s // 300) % 4 == 3:
            return traffic.rate_per_s * 2.5
        return traffic.rate_per_s

    def _traffic(self) -> Process:
        """Poisson arrivals, one simpy step per second of drill time with exact request times inside it."""
        rng = random.Random(f"traffic:{self.seed}")
        n = 0
        while True:
            second = float(self.env.now)
            arrivals = sorted(rng.random() for _ in range(poisson(rng, self._rate(second))))
            with self.lock:
                for offset in arrivals:
                    self._t = second + offset
                    user, segment, question = self.world.next_request(rng)
                    n += 1
                    answer = self.world.ask(user=user, segment=segment, question=question, trace_id=f"tr-{n:06d}")
                    self.record_answer(answer)
                self._t = None
            yield self.env.timeout(1.0)

    def _timeline(self) -> Process:
        for i, item in enumerate(sorted(self.scenario.timeline, key=lambda it: it.at_s)):
            if item.at_s > self.env.now:
                yield self.env.timeout(item.at_s - self.env.now)
            with self.lock:
                if item.change is not None:
                    apply_change(self.world, item.change)
                elif item.fault is not None:
                    self.engine.start(item.fault, stop_s=item.stop_s, default_id=f"{item.fault.type}-{i + 1}")

    def at(self, t_s: float, do: Callable[[], None]) -> None:
        """Run ``do`` at drill time ``t_s`` (the fault engine's scheduler); callers hold the lock."""
        self.env.process(self._at(t_s, do))
        self.clock.wake()

    def _at(self, t_s: float, do: Callable[[], None]) -> Process:
        yield self.env.timeout(max(0.0, t_s - float(self.env.now)))
        with self.lock:
            do()

    def _metrics(self) -> Process:
        while True:
            yield self.env.timeout(METRICS_TICK_S)
            with self.lock:
                m = self.world.metrics()
                self.record(m.t_s, EventKind.METRICS, WORLD, m.to_dict())
                if self.paged_at is None and self.page_at_s is not None and self.now_s() >= self.page_at_s:
                    self._page("user reports")

    def _end(self) -> Process:
        yield self.env.timeout(self.scenario.duration_s)
        with self.lock:
            self.end(reason="scheduled end")

    # --- listeners: what the world does becomes events -----------------------------------------

    def _on_fault_change(self, change: FaultChange) -> None:
        kind = EventKind.FAULT_STARTED if change.op in ("added", "updated") else EventKind.FAULT_STOPPED
        f = change.fault
        self._tell_status_page(change)
        self.record(self.now_s(), kind, self.fault_actor, {"fault_id": f["id"], "type": f["type"], "stage": f["stage"],
                                                 "params": f["params"], "target": f["target"]})

    def _on_change(self, change: Change) -> None:
        truth = change.id == self.scenario.ground_truth.change_id
        self.record(change.t_s, EventKind.CHANGE, RUNNER,
                    {**change.to_dict(), "change_id": change.id, "true_cause": truth})

    def _on_alert(self, alert: AlertChange) -> None:
        kind = EventKind.ALERT_FIRED if alert.firing else EventKind.ALERT_RESOLVED
        self.record(alert.t_s, kind, WORLD,
                    {"alert": alert.alert, "value": round(alert.value, 4), "threshold": round(alert.threshold, 4)})
        started = self.incident_start_s
        if alert.firing and self.paged_at is None and started is not None and alert.t_s >= started:
            self._page(alert.alert)

    def page_by_hand(self) -> bool:
        """The facilitator rings the pager now (an alert that never fired, a quiet incident); False if already
        paged."""
        if self.paged_at is not None:
            return False
        self._page("facilitator")
        return True

    def _page(self, alert: str, actor: str = RUNNER) -> None:
        self.paged_at = self.now_s()
        b = self.scenario.briefing
        self.record(self.paged_at, EventKind.PAGE, actor,
                    {"alert": alert, "summary": b.page, "briefing": b.model_dump()})

    def _tell_status_page(self, change: FaultChange) -> None:
        """Provider-side faults may open an incident on the provider's status page (late, or never)."""
        f, page = change.fault, self.world.status_page
        if change.op == "added":
            kind = "overloaded" if f["type"] == "rate_limit" and f["params"].get("kind") == "overloaded" else f["type"]
            page.fault_started(f["id"], kind, self.world.families(f["target"].get("models", [])), self.now_s())
        elif change.op == "removed":
            page.fault_stopped(f["id"], self.now_s())

    # --- faults --------------------------------------------------------------------------------

    def stop_faults_fixed_by(self, action: Action, arg: str | None) -> None:
        """End the scenario faults this responder action fixes (their ``fixed_by``)."""
        for fault_id in self.engine.fixed_by(action_key(action, arg), action.value):
            self.engine.remove(fault_id)


def post_incidents(page: StatusPage, scenario: Scenario) -> None:
    """The incidents a scenario posts on the provider's status page itself, each update at its own time."""
    for i, incident in enumerate(scenario.world.provider_status.incidents):
        page.post(f"inc-s{i + 1}", incident.title, incident.components,
                  [Update(u.at_min * 60, u.status, u.message) for u in incident.updates])


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method for small rates, a rounded normal for large ones: deterministic from ``rng``."""
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
