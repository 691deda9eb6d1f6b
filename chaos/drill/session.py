"""The drill session: the one way into a running drill, for responders and the facilitator.

Every method is thread-safe (the model's one lock), checks the drill is running before it writes,
commits its event before it returns (so what a caller was told happened is on disk), and returns
plain dicts. Responder methods never return ground truth; ``reveal`` is the facilitator's.
Arguments arrive parsed: actions as ``Action``, roles as ``Role``; the HTTP API and the CLI parse
strings once at their edge.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, Protocol

from chaos.actions import apply_action
from chaos.clock import ClockState, DrillClock, clock_label
from chaos.drill.gc_tuning import simulation_gc
from chaos.drill.journal import Journal
from chaos.drill.processes import DrillModel, Process
from chaos.errors import DrillError, DrillNotRunningError, NotFoundError
from chaos.eventlog import EventLog, scenario_text
from chaos.events import FACILITATOR, RUNNER, WORLD, DrillMode, Event, EventKind
from chaos.faults.spec import FaultSpec, parse_spec
from chaos.roster import Role
from chaos.scenario import Scenario
from chaos.taxonomy import Action, Cause, Symptom
from chaos.views import DrillSnapshot, change_view, status_view, trace_view
from fake_llm.errors import FakeLLMError
from fake_llm.world.feature import Answer

MASKED_TITLE = "a mystery scenario (spin)"
MODEL_KINDS = {EventKind.DRILL_STARTED, EventKind.PAGE, EventKind.FAULT_STARTED, EventKind.FAULT_STOPPED,
               EventKind.CHANGE, EventKind.REQUEST, EventKind.METRICS, EventKind.ALERT_FIRED,
               EventKind.ALERT_RESOLVED, EventKind.DRILL_ENDED}  # what the model writes (the rest are inputs)
REPLAYED = {EventKind.ACTION, EventKind.HINT, EventKind.FAULT_STARTED, EventKind.FAULT_STOPPED}  # inputs
DECLARATION_FIELDS = ("started_s", "fraction", "segment", "symptom", "cause", "change_id", "topics")


class Responder(Protocol):
    """A scripted responder: a simpy process run inside the drill (chaos.playbook)."""

    def run(self, drill: Drill) -> Process: ...


class Drill:
    """One scenario drilled once: its model, its journal, and the API people use on it."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        log: EventLog,
        mode: DrillMode | str = DrillMode.SIMULATED,
        speed: float | None = None,
        seed: int | None = None,
        team: str | None = None,
        drill_id: str | None = None,
        responder: Responder | None = None,
        masked: bool = False,
        resume: str | None = None,
        facilitator_token: str | None = None,
    ) -> None:
        """``resume`` names an interrupted drill of ``log`` to continue: its state is rebuilt by
        replaying its journal (the model is deterministic given its seed and the journaled inputs)."""
        self.scenario = scenario
        self.log = log
        self.mode = DrillMode(mode)
        self.live = self.mode is DrillMode.LIVE
        past: list[Event] = []
        if resume is not None:
            record = log.drill(resume)
            past = list(log.events(resume))
            log.resume_drill(resume, facilitator_token=facilitator_token)
            started = next((e.data for e in past if e.kind is EventKind.DRILL_STARTED), {})
            seed, team, drill_id = record.seed, record.team, resume
            speed = speed or started.get("speed")
        self.speed = speed or scenario.speed
        self.seed = scenario.seed if seed is None else seed
        self.masked = masked  # a spin: responders must not learn which scenario this is
        if resume is None:
            self.id = log.create_drill(scenario.id, seed=self.seed, mode=self.mode.value, team=team,
                                       drill_id=drill_id, scenario=scenario_text(scenario),
                                       facilitator_token=facilitator_token)
        else:
            self.id = resume
        self.journal = Journal(log, self.id)
        self.journal.skip = sum(e.kind in MODEL_KINDS for e in past)
        self.clock = DrillClock(speed=self.speed if self.live else None)
        self.model = DrillModel(scenario, journal=self.journal, clock=self.clock, seed=self.seed)
        self.lock = self.clock.lock
        self._hints_used = 0
        self.responder = responder
        self.model.start(drill_id=self.id, speed=self.speed, mode=self.mode.value, team=team,
                         responder=None if responder is None else (lambda: responder.run(self)))
        if resume is not None:
            self._replay(past)

    def _replay(self, past: list[Event]) -> None:
        """Fast-forward the model through the journal's inputs, then carry on live.

        The model regenerates the journal's own events in the same order (it is deterministic given
        its seed and inputs); the journal skips as many as it already holds, so events lost in the
        crash (after the last commit) are written now and the journal matches the rebuilt state."""
        for e in past:
            paged_by_hand = e.kind is EventKind.PAGE and e.data.get("alert") == FACILITATOR
            if (e.actor not in (RUNNER, WORLD) and e.kind in REPLAYED) or paged_by_hand:
                self._advance_to(e.t_s)
                self._reapply(e)
        last_s = past[-1].t_s if past else 0.0
        self._advance_to(last_s)
        self.journal.skip = 0
        self.clock.rebase()
        self._write(EventKind.DRILL_RESUMED, RUNNER, {"reason": "resumed after an interruption",
                                                      "replayed_events": len(past)})

    def _advance_to(self, t_s: float) -> None:
        while not self.model.ended and self.env.peek() <= t_s:
            self.env.step()

    def _reapply(self, e: Event) -> None:
        d = e.data
        if e.kind is EventKind.ACTION:
            action = Action(d["action"])
            try:
                apply_action(self.world, action, d.get("arg"), by=e.actor)
            except FakeLLMError:
                return
            self.model.stop_faults_fixed_by(action, d.get("arg"))
        elif e.kind is EventKind.PAGE:
            self.model.page_by_hand()
        elif e.kind is EventKind.HINT:
            self._hints_used = max(self._hints_used, int(d["index"]) + 1)
        elif e.kind is EventKind.FAULT_STARTED:
            spec = FaultSpec(type=d["type"], id=d["fault_id"], params=d["params"], target=d["target"])
            if any(f.id == d["fault_id"] for f in self.engine.list()):
                self.engine.replace(self.engine.build(spec))
            else:
                self.engine.start(spec)
        elif e.kind is EventKind.FAULT_STOPPED and any(f.id == d["fault_id"] for f in self.engine.list()):
            self.engine.remove(d["fault_id"])

    # --- what the model holds, read-only to callers ---------------------------------------------

    @property
    def world(self) -> Any:
        return self.model.world

    @property
    def engine(self) -> Any:
        return self.model.engine

    @property
    def env(self) -> Any:
        return self.model.env

    @property
    def ended(self) -> bool:
        return self.model.ended

    @property
    def paged_at(self) -> float | None:
        return self.model.paged_at

    @property
    def state(self) -> ClockState:
        return self.model.state

    @property
    def display_title(self) -> str:
        return MASKED_TITLE if self.masked else self.scenario.title

    def now_s(self) -> float:
        return self.model.now_s()

    def _guard(self) -> None:
        if self.model.ended:
            raise DrillNotRunningError("the drill is not running (it has ended)")

    def _write(self, kind: EventKind, actor: str, data: dict[str, Any]) -> None:
        """Journal one responder or facilitator event and commit it: the caller is told it happened."""
        self.model.record(self.now_s(), kind, actor, data)
        self.journal.commit()

    # --- responder API: acting -------------------------------------------------------------------

    def act(self, actor: str, action: Action, arg: str | None = None) -> dict[str, Any]:
        """A responder control: flips the world, writes the action event, ends faults it fixes."""
        with self.lock:
            self._guard()
            try:
                message = apply_action(self.world, action, arg, by=actor)
            except FakeLLMError as exc:  # journaled too: a failed control counts on the scorecard
                self._write(EventKind.ACTION, actor, {"action": action.value, "arg": arg, "ok": False,
                                                      "message": str(exc)})
                raise DrillError(str(exc)) from None
            self.model.stop_faults_fixed_by(action, arg)
            self._write(EventKind.ACTION, actor, {"action": action.value, "arg": arg, "ok": True, "message": message})
            return {"action": action.value, "arg": arg, "message": message, "at": clock_label(self.now_s())}

    def declare(self, actor: str, **fields: Any) -> dict[str, Any]:
        unknown = set(fields) - set(DECLARATION_FIELDS)
        if unknown:
            raise DrillError(f"unknown declaration fields {sorted(unknown)}; allowed: {', '.join(DECLARATION_FIELDS)}")
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
        started = data.get("started_s", 0.0)
        if not isinstance(started, int | float) or not math.isfinite(started):
            raise DrillError("started_s must be a number of drill seconds")
        for key in ("segment", "change_id"):
            if key in data and (not isinstance(data[key], str) or len(data[key]) > 64):
                raise DrillError(f"{key} must be a short text")
        if "topics" in data and (not isinstance(data["topics"], list) or len(data["topics"]) > 20
                                 or not all(isinstance(t, str) and len(t) <= 64 for t in data["topics"])):
            raise DrillError("topics must be a list of at most 20 short topic names")
        with self.lock:
            self._guard()
            known = [c.id for c in self.world.changes.entries]
            if "change_id" in data and data["change_id"] not in known:
                raise DrillError(f"no change {data['change_id']!r} in the change log; known: "
                                 f"{', '.join(known[-10:]) or 'none yet'} (firedrill changes lists them)")
            self._write(EventKind.DECLARATION, actor, data)
            return {"declared": data, "at": clock_label(self.now_s())}

    def note(self, actor: str, text: str) -> dict[str, Any]:
        with self.lock:
            self._guard()
            self._write(EventKind.NOTE, actor, {"text": text})
            return {"noted": text, "at": clock_label(self.now_s())}

    def role(self, actor: str, role: Role, token_hash: str | None = None) -> dict[str, Any]:
        """Journal a join or a change of role; with ``token_hash`` also remember the member, for a resume."""
        with self.lock:
            self._guard()
            self._write(EventKind.ROLE, actor, {"role": role.value})
            if token_hash is not None:
                self.log.save_member(self.id, actor, role.value, token_hash)
            return {"actor": actor, "role": role.value}

    def hint(self, actor: str) -> dict[str, Any]:
        """The next hint, each given once and charged once, however many ask at the same moment."""
        with self.lock:
            self._guard()
            hints = self.scenario.hints
            index = self._hints_used
            if index >= len(hints):
                return {"hint": None, "message": "no more hints for this scenario"}
            h = hints[index]
            self._write(EventKind.HINT, actor, {"index": index, "text": h.text, "cost": h.cost})
            self._hints_used = index + 1
            return {"hint": h.text, "cost": h.cost, "index": index + 1}

    def replay(
        self, actor: str, trace_id: str, *, prompt: str | None = None, model: str | None = None
    ) -> dict[str, Any]:
        with self.lock:
            self._guard()
            try:
                answer = self.world.replay(trace_id, prompt_version=prompt, model=model)
            except FakeLLMError as exc:
                raise DrillError(str(exc)) from None
            self._write(EventKind.NOTE, actor, {"text": f"replayed {trace_id}",
                                                "replay": {"trace_id": trace_id, "prompt": prompt, "model": model}})
            return trace_view(answer, None, world=self.world)

    def record_answer(self, answer: Answer) -> None:
        """A request that came in over HTTP (a team's own client) goes into the journal too."""
        with self.lock:
            self.model.record_answer(answer)
            self.journal.commit()

    # --- responder API: looking ------------------------------------------------------------------

    def snapshot(self) -> DrillSnapshot:
        with self.lock:
            paged = self.model.paged_at is not None
            return DrillSnapshot(
                drill_id=self.id, title=self.display_title, t_s=self.now_s(), state=self.state, paged=paged,
                briefing=self.scenario.briefing.model_dump() if paged else None, world=self.world,
            )

    def status(self) -> dict[str, Any]:
        with self.lock:
            return status_view(self.snapshot())

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

            def keep(a: Answer) -> bool:
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
                raise NotFoundError(str(exc)) from None
            return trace_view(answer, self.world.telemetry.judgements.get(trace_id), world=self.world)

    def changes(self, since_s: float | None = None) -> list[dict[str, Any]]:
        """Change-log entries of the last ``since_s`` drill seconds (all of them by default)."""
        with self.lock:
            start = float("-inf") if since_s is None else self.now_s() - since_s
            return [change_view(c) for c in self.world.changes.entries if c.t_s >= start]

    def provider_status(self) -> dict[str, Any]:
        """The provider's public status page as it reads now (late, vague, sometimes empty, as real ones are)."""
        with self.lock:
            return self.world.status_page.view(self.now_s(), label=clock_label)

    # --- facilitator API -------------------------------------------------------------------------


    def pause(self) -> dict[str, Any]:
        with self.lock:
            self._guard()
            if self.clock.pause():
                self._write(EventKind.DRILL_PAUSED, FACILITATOR, {})
            return {"state": self.state.value, "paused_at": clock_label(self.now_s())}

    def resume(self) -> dict[str, Any]:
        with self.lock:
            self._guard()
            if self.clock.resume():
                self._write(EventKind.DRILL_RESUMED, FACILITATOR, {})
            return {"state": self.state.value, "resumed_at": clock_label(self.now_s())}

    def page(self) -> dict[str, Any]:
        """Page the team by hand with the scenario's page; once per drill."""
        with self.lock:
            self._guard()
            if not self.model.page_by_hand():
                raise DrillError(f"the team was already paged at {clock_label(self.model.paged_at or 0.0)}")
            self.journal.commit()
            return {"paged": True, "at": clock_label(self.now_s())}

    def inject(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A fault from the facilitator, through the engine's one way in (as the admin API's)."""
        parsed = parse_spec(spec)
        with self.transaction():
            return self.engine.start(parsed).to_dict()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The facilitator's fault changes: under the drill lock, in a running drill, journaled (as
        the facilitator's) before it returns. How ``inject`` and the fault admin API change the engine."""
        with self.lock:
            self._guard()
            self.model.fault_actor = FACILITATOR
            try:
                yield
            finally:
                self.model.fault_actor = RUNNER
            self.journal.commit()

    def reveal(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "ground_truth": self.scenario.ground_truth.model_dump(mode="json"),
            "facilitator_notes": self.scenario.facilitator_notes,
        }

    def end(self, reason: str = "ended by facilitator") -> dict[str, Any]:
        with self.lock:
            if not self.model.end(reason):
                return {"ended": True}
            return {"ended": True, "drill_id": self.id, "at": clock_label(self.now_s())}

    # --- running ---------------------------------------------------------------------------------

    def _commit(self) -> None:
        with self.lock:
            self.journal.commit()

    def run(self) -> str:
        """Run to the end as fast as possible (simulated, with the collector tuned for it) or in
        real time (live, blocking)."""
        with nullcontext() if self.live else simulation_gc():
            while not self.ended:
                if not self.clock.step(on_idle=self._commit) and not self.ended:
                    with self.lock:
                        self.model.end(reason="nothing left to simulate")
            self._commit()
        return self.id

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name=f"drill-{self.id}", daemon=True)
        thread.start()
        return thread
