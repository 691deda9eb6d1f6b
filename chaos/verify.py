"""Eval cases drill-side: add and remove them in the journal, and verify them against the drill's world.

Verification rebuilds the drill's world from its journal at three moments and asks each case's
question there, straight to the model past any cache or kill switch, ``PROBES`` times (faults
that hit a fraction of requests hit some probes, not others):

- healthy, just before the incident started: every probe must pass;
- the incident, as nobody's response changed it (``INCIDENT_AFTER_S`` after its faults started,
  without the team's actions): a probe must fail, and the failure must concern the incident (a
  fault touched the probe, the drill's own harmed requests asked this question, or it fails
  consistently where the healthy world passed);
- after the mitigation, at the drill's end: ``AFTER_PASS_SHARE`` of the probes must pass (a backup
  model a tier down misses now and then, within the tolerance the scorer allows a restored feature).
  Probes go past a cache or the kill switch to the model, but a topic the team switched off
  answers as users see it: declining a topic the knowledge base lacks is a right answer.

The rebuild replays, in order, what changes answers: faults starting and stopping (with their
world effects), the team's successful actions, and the drill's own traffic over the
``TRAFFIC_REPLAY_S`` before each moment, so time- and traffic-dependent faults (quotas, rate
limits) are in the state they were in. A case any answer satisfies is rejected without probing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from chaos.actions import apply_action
from chaos.errors import DrillError, FaultError
from chaos.eventlog import EventLog
from chaos.events import Event, EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import Action
from fake_llm.errors import FakeLLMError
from fake_llm.world.feature import Answer
from fake_llm.world.world import World
from scorecards.assertions import AssertionError_, Observed, describe, parse, passes, trivial_case
from scorecards.evals import EvalCase, Verdict, cases
from scorecards.harm import harm_kind

PROBES = 8
INCIDENT_AFTER_S = 110.0
SYSTEM = {"runner", "world", "facilitator"}
AFTER_PASS_SHARE = 0.75  # after a mitigation to a backup model a tier down, an occasional miss is its normal
TRAFFIC_REPLAY_S = 120.0


def add_case(
    log: EventLog,
    drill_id: str,
    *,
    question: str | None,
    expect: str | None = None,
    assertions: list[dict[str, object]] | None = None,
    trace_id: str | None = None,
    segment: str | None = None,
    by: str = "postmortem",
) -> EvalCase:
    """Record a case: a question (typed, or copied from a trace's inputs) and its assertions."""
    log.drill(drill_id)
    raw = list(assertions or [])
    if expect is not None and expect.strip():
        raw.insert(0, {"type": "icontains", "value": expect.strip()})
    if not raw:
        raise DrillError("say what a right answer is: --expect TEXT or --assert TYPE[=VALUE] "
                         "(contains, icontains, not-contains, regex, equals, is-json, latency, cost, not-refusal)")
    try:
        parsed = tuple(parse(a) for a in raw)
    except AssertionError_ as exc:
        raise DrillError(str(exc)) from None
    last_t, request, existing = 0.0, None, 0
    for e in log.events(drill_id):
        last_t = e.t_s
        if e.kind is EventKind.EVAL_ADDED:
            existing += 1
        if trace_id and e.kind is EventKind.REQUEST and e.data.get("trace_id") == trace_id:
            request = e.data
    case_id = f"{drill_id}-eval-{existing + 1}"
    if trace_id:
        if request is None:
            raise DrillError(f"no trace {trace_id!r} in drill {drill_id}; list failing traces in the scorecard")
        text = str(request.get("question") or "").strip()
        if not text:
            raise DrillError(f"trace {trace_id!r} is incomplete (no question recorded); write the case with --question")
        case = EvalCase(case_id, text, parsed, str(segment or request.get("segment") or "free"), trace_id)
    elif question and question.strip():
        case = EvalCase(case_id, question.strip(), parsed, segment or "free")
    else:
        raise DrillError("give --question (or --from-trace TRACE_ID)")
    log.append(drill_id, last_t, EventKind.EVAL_ADDED, by, case.to_event())
    return case


def remove_case(log: EventLog, drill_id: str, case_id: str, *, by: str = "postmortem") -> None:
    events = list(log.events(drill_id))
    known = {c.case_id for c in cases(events)}
    if case_id not in known:
        raise DrillError(f"no eval case {case_id!r} in drill {drill_id}; cases: {', '.join(sorted(known)) or 'none'}")
    log.append(drill_id, events[-1].t_s if events else 0.0, EventKind.EVAL_REMOVED, by, {"case_id": case_id})


@dataclass
class _Probe:
    passed: list[bool]
    touched: list[bool]
    text: str
    truth: str | None = None  # the golden answer's key in this world (None for a question the KB lacks)


def verify(log: EventLog, drill_id: str, scenario: Scenario, *, record: bool = True) -> list[Verdict]:
    """Verify every case of the drill; each verdict is journaled (``eval_verified``) unless ``record`` is off."""
    seed = log.drill(drill_id).seed
    events = list(log.events(drill_id))
    eval_cases = cases(events)
    if not eval_cases:
        return []
    gt = scenario.ground_truth
    starts = [e.t_s for e in events if e.kind is EventKind.FAULT_STARTED]
    healthy_s = max(0.0, min([gt.started_s, *starts]) - 1.0)
    # the incident as nobody's response changed it, late in a minute (per-minute quotas hold that minute's traffic)
    incident_s = min(max([gt.started_s, *[t for t in starts if t <= gt.started_s + 300]]) + INCIDENT_AFTER_S,
                     events[-1].t_s)
    end_s = events[-1].t_s + 1.0
    slo = scenario.world.latency_slo_ms
    harmed = {str(e.data.get("question", "")).strip().lower() for e in events
              if e.kind is EventKind.REQUEST and e.t_s >= gt.started_s and harm_kind(e.data, slo) is not None}
    todo = [c for c in eval_cases if trivial_case(c.assertions) is None]
    seen: dict[str, dict[str, _Probe]] = {c.case_id: {} for c in todo}
    untouched = [e for e in events if not (e.kind is EventKind.ACTION and e.actor not in SYSTEM)]
    for t, world in _worlds(untouched, scenario, seed, sorted({healthy_s, incident_s})):
        for label in [n for n, at in (("healthy", healthy_s), ("incident", incident_s)) if at == t]:
            for c in todo:
                seen[c.case_id][label] = _probe(world, c)
    for _t, world in _worlds(events, scenario, seed, [end_s]):
        for c in todo:
            seen[c.case_id]["after"] = _probe(world, c)
    verdicts = []
    for c in eval_cases:
        reason = trivial_case(c.assertions)
        if reason is not None:
            v = Verdict(c.case_id, False, False, False, False, reason, f"rejected: {reason}")
        else:
            v = _verdict(c, seen[c.case_id], harmed)
        verdicts.append(v)
        if record:
            log.append(drill_id, end_s, EventKind.EVAL_VERIFIED, "postmortem", v.to_event())
    return verdicts


def _verdict(c: EvalCase, probes: dict[str, _Probe], harmed: set[str]) -> Verdict:
    healthy, during, after = probes["healthy"], probes["incident"], probes["after"]
    # where the incident changed the truth itself (documents updated, the index left stale), the world before
    # it answered the old truth rightly: only the state after the mitigation can show the case passing
    truth_changed = healthy.truth != after.truth
    ok_healthy = all(healthy.passed) or truth_changed
    ok_after = sum(after.passed) >= AFTER_PASS_SHARE * len(after.passed)
    failed = not all(during.passed)
    concerns = failed and (any(t and not p for p, t in zip(during.passed, during.touched, strict=True))
                           or c.question.strip().lower() in harmed
                           or (all(healthy.passed) and sum(during.passed) <= len(during.passed) / 2))
    what = describe(c.assertions)
    if not ok_healthy:
        reason = (f"fails in the healthy world before the incident ({healthy.text[:80]!r}): {what} does not describe "
                  "a right answer")
    elif not failed:
        reason = (f"would not have caught the incident: during it the answer already passed {what} "
                  f"({during.text[:80]!r})")
    elif not concerns:
        reason = "fails during the incident for reasons of its own: no fault touched this question"
    elif not ok_after:
        reason = f"still fails after the mitigation ({after.text[:80]!r}): fix the expectation or the mitigation"
    elif truth_changed:
        reason = ("fails in the incident and passes after the mitigation (the incident changed the right answer, "
                  "so the world before it is not a check)")
    else:
        reason = "passes healthy, fails in the incident, passes after the mitigation"
    return Verdict(c.case_id, ok_healthy, failed, ok_after, concerns, None, reason, during.text, after.text)


def _probe(world: World, c: EvalCase) -> _Probe:
    passed, touched, text = [], [], ""
    q = world.question_for(c.question)
    ctl = world.controls
    # an eval tests the AI pipeline: past a cache or the kill switch, which answer nothing about it, to the model
    # (as a replay). A topic switched off stays: it is the pipeline's own scoped answer for a topic it cannot
    # answer (the runbook's mitigation for hallucinations on a topic the knowledge base lacks, until docs exist)
    direct = not ctl.feature_on or ctl.fallback in ("cached", "unavailable")
    for i in range(PROBES):
        a = world.feature.ask(trace_id=f"probe-{c.case_id}-{i}", t_s=world.now_s(), user=f"eval-{i + 1}",
                              segment=c.segment, question=q, direct=direct)
        o = _observed(a)
        ok = passes(c.assertions, o)
        passed.append(ok)
        touched.append(bool(a.faults) or a.status == "error")
        if not text or not ok:
            text = a.text or f"[{a.status}: {a.error_type}]"
    return _Probe(passed, touched, text, f"{q.id}:{world.kb.expected(q)}")


def _observed(a: Answer) -> Observed:
    return Observed(a.text, a.latency_s * 1000, a.cost_usd, refused=a.status == "refused", ok=a.status != "error")


def _worlds(events: list[Event], scenario: Scenario, seed: int, moments: list[float]
            ) -> Iterator[tuple[float, World]]:
    """The drill's world at each moment (in order), rebuilt from the journal; one world walked forward."""
    from chaos.drill import world_config
    from chaos.engine import FaultEngine
    from chaos.faults.registry import build_fault

    now = [0.0]
    engine = FaultEngine(seed=seed, now_s=lambda: now[0])
    world = World(world_config(scenario), seed=seed, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider, world=world)
    pending = sorted(moments)
    i = 0
    for e in events:
        while pending and e.t_s >= pending[0]:
            now[0] = pending[0]
            yield pending.pop(0), world
        if not pending:
            return
        now[0] = e.t_s
        if e.kind is EventKind.FAULT_STARTED:
            d = e.data
            engine.add(build_fault(d["type"], id=d["fault_id"], params=d["params"], target=d["target"], seed=seed))
        elif e.kind is EventKind.FAULT_STOPPED:
            with contextlib.suppress(FaultError):  # a fault the journal stopped twice is already gone
                engine.remove(e.data["fault_id"])
        elif e.kind is EventKind.ACTION and e.data.get("ok", True) and e.data.get("action"):
            try:
                apply_action(world, Action(e.data["action"]), e.data.get("arg"), by=e.actor)
            except (FakeLLMError, ValueError):
                continue  # it failed in the drill too
        elif e.kind is EventKind.REQUEST and pending and e.t_s >= pending[0] - TRAFFIC_REPLAY_S:
            d = e.data
            i += 1
            world.ask(user=str(d.get("user", "replay")), segment=str(d.get("segment", "free")),
                      question=world.question_for(str(d.get("question", ""))), trace_id=f"replay-{i}")
    for t in pending:
        now[0] = t
        yield t, world

