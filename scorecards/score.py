"""The scorer: a pure function of a drill's event log and its scenario's ground truth.

One streaming pass keeps counters and per-minute buckets, never the events, so a million-event
drill scores in seconds. Definitions, all measured from the log rather than assumed:

- times are drill seconds after the page (the first ``page`` event; the incident start if none);
- acknowledge: the first event by a responder (not runner, world or facilitator) after the page;
- contain: the first action in the scenario's containment or mitigation list; "bad answers
  stopped" is the first minute from which the share of bad answers among served ones stays
  under 2% to the end;
- characterise: the latest declaration, field by field; "right enough" means symptom and cause
  right (and the start within tolerance when declared);
- mitigate: the first action in the scenario's mitigation list, and the first minute after it in
  which most requests are live model answers again with quality within 5 points of the baseline;
- conduct: minutes of non-containing activity while bad answers were still served, actions after
  which bad answers got worse, and red herrings chased;
- post-mortem: a verified eval case (it failed in the incident state and passes after).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chaos.events import Event, EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import Cause, IncidentStage, action_key
from scorecards.card import Band, BlastRadius, Conduct, FieldCheck, Mark, Scorecard, StageResult, Timeline

WEIGHTS = {IncidentStage.ACKNOWLEDGE: 10.0, IncidentStage.CONTAIN: 30.0, IncidentStage.CHARACTERISE: 20.0,
           IncidentStage.MITIGATE: 25.0, IncidentStage.POSTMORTEM: 15.0}
NOT_RESPONDERS = {"runner", "world", "facilitator"}
STOPPED_BAD_SHARE = 0.02
PENALTY_EACH = 3.0
RESTORING = {"fallback:off", "feature-on", "disclaimer-off"}  # going back to normal is not "no effect"
# a control aimed at a cause other than the one in play is a red herring chased
AIMED_AT = {"prompt-rollback": {Cause.PROMPT}, "index-rebuild": {Cause.INDEX, Cause.RETRIEVAL, Cause.CONTEXT_GROWTH}}


@dataclass
class Bucket:
    requests: int = 0
    served: int = 0
    correct: int = 0
    bad: int = 0
    errors: int = 0
    live_ok: int = 0  # answered by the model (not fallback, not disabled)
    live_correct: int = 0
    p99_ms: float | None = None
    judge_quality: float | None = None
    error_rate: float | None = None
    activity: bool = False  # a responder did something other than containing


@dataclass
class _State:
    drill_id: str = ""
    seed: int | None = None
    team: str | None = None
    origin: dt.datetime | None = None
    page_t: float | None = None
    ack_t: float | None = None
    contain: tuple[float, str] | None = None
    mitigate: tuple[float, str] | None = None
    buckets: dict[int, Bucket] = field(default_factory=dict)
    users_before: set[str] = field(default_factory=set)
    users_after: set[str] = field(default_factory=set)
    blast: BlastRadius = field(default_factory=BlastRadius)
    baseline: list[int] = field(default_factory=lambda: [0, 0])  # correct, served before the incident
    declarations: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    actions: list[tuple[float, str, str]] = field(default_factory=list)  # t, actor, key
    hints: list[dict[str, Any]] = field(default_factory=list)
    responders: dict[str, list[str]] = field(default_factory=dict)
    evals: dict[str, dict[str, Any]] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)
    faults_open: dict[str, Band] = field(default_factory=dict)
    bands: list[Band] = field(default_factory=list)
    end_t: float = 0.0


def score(events: Iterable[Event], scenario: Scenario) -> Scorecard:
    st = _State()
    gt = scenario.ground_truth
    for e in events:
        st.end_t = max(st.end_t, e.t_s)
        _take(st, e, scenario)
    st.bands.extend(st.faults_open.values())
    _flag_alerts(st)
    _mark_mitigated(st, scenario)
    page = st.page_t if st.page_t is not None else gt.started_s
    tl = _timeline(st)
    stopped = _bad_stopped(st, page)
    characterisation, right_t = _characterise(st, scenario)
    recovered = _recovered(st, scenario)
    conduct = _conduct(st, scenario, page)
    stages = [
        _stage("acknowledge", st.ack_t, page, scenario.targets.acknowledge_min, "acknowledged", st),
        _contain_stage(st, scenario, page, stopped),
        _stage("characterise", right_t, page, scenario.targets.characterise_min, "characterised right enough", st),
        _mitigate_stage(st, scenario, page, recovered),
        _postmortem_stage(st),
    ]
    hint_cost = sum(h["cost"] for h in st.hints)
    overall = sum(s.points for s in stages) - hint_cost - conduct.penalty
    overall = max(0.0, min(100.0, overall))
    for s in stages:
        if s.at_s is not None:
            tl.marks.append(Mark((page + s.at_s) / 60, "stage", s.name))
    return Scorecard(
        drill_id=st.drill_id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        seed=st.seed,
        team=st.team,
        page_clock=_clock(st, page),
        stages=stages,
        blast_radius=st.blast,
        characterisation=characterisation,
        conduct=conduct,
        hints=st.hints,
        hint_cost=hint_cost,
        overall=round(overall, 1),
        grade=_grade(overall),
        responders=st.responders,
        evals=sorted(st.evals.values(), key=lambda c: c["case_id"]),
        timeline=tl,
        baseline_quality=st.baseline[0] / st.baseline[1] if st.baseline[1] else None,
    )


def _take(st: _State, e: Event, scenario: Scenario) -> None:
    gt = scenario.ground_truth
    kind, d = e.kind, e.data
    if kind is EventKind.REQUEST:
        b = st.buckets.setdefault(int(e.t_s // 60), Bucket())
        b.requests += 1
        st.blast.requests += 1
        if d["status"] == "error":
            b.errors += 1
        if d["served"]:
            b.served += 1
            b.correct += d["correct"]
            if e.t_s < gt.started_s:
                st.baseline[0] += d["correct"]
                st.baseline[1] += 1
        if d["status"] == "ok":
            b.live_ok += 1
            b.live_correct += d["correct"]
        if d["bad"]:
            b.bad += 1
            if st.contain is None:
                st.blast.bad_before += 1
                st.users_before.add(d["user"])
                st.blast.users_before = len(st.users_before)
            else:
                st.blast.bad_after += 1
                st.users_after.add(d["user"])
                st.blast.users_after = len(st.users_after)
        return
    if kind is EventKind.METRICS:
        b = st.buckets.setdefault(int(e.t_s // 60), Bucket())
        b.p99_ms, b.judge_quality, b.error_rate = d.get("p99_ms"), d.get("quality"), d.get("error_rate")
        return
    responder = e.actor not in NOT_RESPONDERS
    if (
        responder
        and kind in (EventKind.ACTION, EventKind.DECLARATION, EventKind.NOTE, EventKind.ROLE, EventKind.HINT)
        and st.ack_t is None
        and st.page_t is not None  # what a responder did before the page is not the page's acknowledgement
    ):
        st.ack_t = e.t_s
    if responder:
        st.responders.setdefault(e.actor, [])
    if kind is EventKind.DRILL_STARTED:
        st.drill_id, st.seed, st.team = d.get("drill_id", ""), d.get("seed"), d.get("team")
        st.origin = dt.datetime.fromisoformat(d["clock_origin"]) if d.get("clock_origin") else None
    elif kind is EventKind.PAGE and st.page_t is None:
        st.page_t = e.t_s
        st.marks.append(Mark(e.t_s / 60, "page", f"page: {d.get('alert', '')}"))
    elif kind is EventKind.ACTION:
        key = action_key(d["action"], d.get("arg"))
        st.actions.append((e.t_s, e.actor, key))
        st.marks.append(Mark(e.t_s / 60, "action", key, actor=e.actor))
        if st.contain is None and (key in gt.containment or key in gt.mitigations):
            st.contain = (e.t_s, key)
        elif st.contain is None:
            st.buckets.setdefault(int(e.t_s // 60), Bucket()).activity = True
        if st.mitigate is None and key in gt.mitigations:
            st.mitigate = (e.t_s, key)
    elif kind is EventKind.DECLARATION:
        st.declarations.append((e.t_s, d))
        st.marks.append(Mark(e.t_s / 60, "declaration", ", ".join(f"{k}={v}" for k, v in sorted(d.items())),
                             actor=e.actor))
        if st.contain is None:
            st.buckets.setdefault(int(e.t_s // 60), Bucket()).activity = True
    elif kind is EventKind.NOTE and st.contain is None and responder:
        st.buckets.setdefault(int(e.t_s // 60), Bucket()).activity = True
    elif kind is EventKind.HINT:
        st.hints.append({"index": d["index"], "text": d["text"], "cost": float(d["cost"]), "by": e.actor})
        st.marks.append(Mark(e.t_s / 60, "hint", f"hint {int(d['index']) + 1} (−{float(d['cost']):g})", actor=e.actor))
    elif kind is EventKind.ROLE:
        st.responders.setdefault(e.actor, []).append(d["role"])
    elif kind is EventKind.ALERT_FIRED:
        st.marks.append(Mark(e.t_s / 60, "alert", d["alert"]))
    elif kind is EventKind.FAULT_STARTED:
        injected = not _scheduled(scenario, d["type"], e.t_s)
        st.faults_open[d["fault_id"]] = Band(e.t_s / 60, None, d["type"], injected=injected)
        if injected:
            st.marks.append(Mark(e.t_s / 60, "injection", f"injected {d['type']}", actor="facilitator",
                                 flag="injected"))
    elif kind is EventKind.FAULT_STOPPED and d["fault_id"] in st.faults_open:
        band = st.faults_open.pop(d["fault_id"])
        band.end_min = e.t_s / 60
        st.bands.append(band)
    elif kind is EventKind.EVAL_ADDED:
        st.evals[d["case_id"]] = {**d, "verified": False, "reason": "not verified yet"}
    elif kind is EventKind.EVAL_VERIFIED and d["case_id"] in st.evals:
        ok = bool(d["during_incident_failed"] and d["after_mitigation_passed"])
        st.evals[d["case_id"]].update(verified=ok, reason=d.get("reason", ""))


def _scheduled(scenario: Scenario, fault_type: str, t_s: float) -> bool:
    """A fault the scenario's timeline starts (at its time); any other was injected during the drill."""
    return any(item.fault is not None and item.fault.type == fault_type and abs(item.at_s - t_s) < 1.0
               for item in scenario.timeline)


ALERT_LAG_MIN = 2.0  # metrics look back over a window: an alert just after a fault stopped is still its echo


def _flag_alerts(st: _State) -> None:
    """An alert no fault explains is a false alert; one only an injected fault explains is the injection's."""
    end = st.end_t / 60
    for mark in st.marks:
        if mark.kind != "alert":
            continue
        live = [b for b in st.bands
                if b.start_min <= mark.t_min <= (end if b.end_min is None else b.end_min) + ALERT_LAG_MIN]
        if not live:
            mark.flag = "false alert"
        elif all(b.injected for b in live):
            mark.flag = "injected"


def _mark_mitigated(st: _State, scenario: Scenario) -> None:
    """The incident's own fault (the scheduled one starting at the incident start) ends, for the story, at the
    first mitigation, even where the fault itself stays in play behind a workaround (a provider still down)."""
    if st.mitigate is None:
        return
    t_min = st.mitigate[0] / 60
    for b in st.bands:
        if (not b.injected and abs(b.start_min * 60 - scenario.ground_truth.started_s) < 1.0
                and b.start_min <= t_min and (b.end_min is None or t_min < b.end_min)):
            b.mitigated_min = t_min


def _clock(st: _State, t_s: float) -> str:
    origin = st.origin or dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)
    return (origin + dt.timedelta(seconds=t_s)).strftime("%H:%M")


def _partial(at_s: float | None, target_s: float) -> float:
    if at_s is None:
        return 0.0
    if at_s <= target_s:
        return 1.0
    return max(0.0, 1.0 - (at_s - target_s) / (2 * target_s))


def _stage(name: str, t: float | None, page: float, target_min: float, verb: str, st: _State) -> StageResult:
    target = target_min * 60
    at = None if t is None else max(0.0, t - page)
    if at is None:
        return StageResult(name, "fail", None, target, 0.0, WEIGHTS[name], f"never {verb}")
    verdict = "pass" if at <= target else "fail"
    side = f"{(target - at) / 60:.0f} min inside" if at <= target else f"{(at - target) / 60:.0f} min over"
    return StageResult(
        name,
        verdict,
        at,
        target,
        _partial(at, target),
        WEIGHTS[name],
        f"{verb} at {_clock(st, t)} ({at / 60:.1f} min after the page), {side} the {target_min:g} min target",
    )


def _bad_stopped(st: _State, page: float) -> float | None:
    last_bad_minute = None
    for minute in sorted(st.buckets):
        b = st.buckets[minute]
        if minute * 60 >= page - 60 and b.served and b.bad / b.served >= STOPPED_BAD_SHARE:
            last_bad_minute = minute
    if last_bad_minute is None:
        return page
    return (last_bad_minute + 1) * 60.0 if (last_bad_minute + 1) * 60 <= st.end_t else None


def _contain_stage(st: _State, s: Scenario, page: float, stopped: float | None) -> StageResult:
    target = s.targets.contain_min * 60
    br = st.blast
    reach = f"{br.bad_before} bad answers reached {br.users_before} users first"
    if st.contain is None:
        return StageResult(
            "contain",
            "fail",
            None,
            target,
            0.0,
            WEIGHTS["contain"],
            f"never contained; {br.bad_total} bad answers reached {br.users_before} users",
        )
    t, key = st.contain
    at = max(0.0, t - page)
    held = stopped is not None
    verdict = "pass" if at <= target and held else "fail"
    side = f"{(target - at) / 60:.0f} min inside" if at <= target else f"{(at - target) / 60:.0f} min over"
    stop_text = (
        f"bad answers stopped at {_clock(st, stopped)}"
        if held and stopped is not None
        else "but bad answers kept reaching users"
    )
    return StageResult(
        "contain",
        verdict,
        at,
        target,
        _partial(at, target) * (1.0 if held else 0.5),
        WEIGHTS["contain"],
        f"contained at {_clock(st, t)} by {key}, {side} the {s.targets.contain_min:g} min target; {stop_text}; {reach}",
    )


def _characterise(st: _State, s: Scenario) -> tuple[list[FieldCheck], float | None]:
    gt = s.ground_truth
    first_right = None
    for t, d in st.declarations:
        if _right_enough(d, s) and first_right is None:
            first_right = t
    latest: dict[str, Any] = {}
    for _, d in st.declarations:
        latest.update(d)
    checks = []
    truth = {
        "started_s": gt.started_s,
        "fraction": gt.fraction,
        "segment": gt.segment,
        "symptom": gt.symptom.value,
        "cause": gt.cause.value,
        "change_id": gt.change_id,
    }
    for name, value in truth.items():
        declared = latest.get(name)
        if declared is None:
            shown = _clock(st, value) if name == "started_s" else value
            checks.append(FieldCheck(name.removesuffix("_s"), None, shown, None))
        elif name == "started_s":  # compared in drill seconds, shown on the drill's clock
            ok = abs(float(declared) - value) <= gt.start_tolerance_min * 60
            checks.append(FieldCheck("started", _clock(st, float(declared)), _clock(st, value), ok))
        elif name == "fraction":
            checks.append(FieldCheck(name, declared, value, abs(float(declared) - value) <= gt.fraction_tolerance))
        else:
            checks.append(FieldCheck(name, declared, value, declared == value))
    return checks, first_right


def _right_enough(d: dict[str, Any], s: Scenario) -> bool:
    gt = s.ground_truth
    if d.get("symptom") != gt.symptom.value or d.get("cause") != gt.cause.value:
        return False
    return "started_s" not in d or abs(float(d["started_s"]) - gt.started_s) <= gt.start_tolerance_min * 60


def _recovered(st: _State, s: Scenario) -> float | None:
    if st.mitigate is None:
        return None
    baseline = st.baseline[0] / st.baseline[1] if st.baseline[1] else 1.0
    for minute in sorted(st.buckets):
        b = st.buckets[minute]
        if minute * 60 < st.mitigate[0] or not b.requests:
            continue
        if b.live_ok >= 0.5 * b.requests and b.live_ok and b.live_correct / b.live_ok >= baseline - 0.05:
            return minute * 60.0
    return None


def _mitigate_stage(st: _State, s: Scenario, page: float, recovered: float | None) -> StageResult:
    target = s.targets.mitigate_min * 60
    if st.mitigate is None:
        tried = ", ".join(sorted({k for _, _, k in st.actions if k != "ack"})) or "nothing"
        return StageResult(
            "mitigate",
            "fail",
            None,
            target,
            0.0,
            WEIGHTS["mitigate"],
            f"no accepted mitigation ({', '.join(s.ground_truth.mitigations)}); tried {tried}",
        )
    t, key = st.mitigate
    at = max(0.0, t - page)
    ok = at <= target and recovered is not None
    back = (
        f"feature back at pre-incident quality at {_clock(st, recovered)}"
        if recovered is not None
        else "quality never came back to its pre-incident level with the feature live"
    )
    return StageResult(
        "mitigate",
        "pass" if ok else "fail",
        at,
        target,
        _partial(at, target) * (1.0 if recovered is not None else 0.6),
        WEIGHTS["mitigate"],
        f"mitigated at {_clock(st, t)} by {key} ({at / 60:.1f} min after the page); {back}",
    )


def _postmortem_stage(st: _State) -> StageResult:
    verified = [c for c in st.evals.values() if c["verified"]]
    if verified:
        return StageResult(
            "postmortem",
            "pass",
            None,
            None,
            1.0,
            WEIGHTS["postmortem"],
            f"{len(verified)} verified eval case(s) would have caught this incident",
        )
    detail = f"{len(st.evals)} case(s) added but none verified" if st.evals else "no eval case added"
    return StageResult(
        "postmortem",
        "fail",
        None,
        None,
        0.0,
        WEIGHTS["postmortem"],
        f"{detail}: add one with `firedrill eval add` and check it with `firedrill eval verify`",
    )


def _conduct(st: _State, s: Scenario, page: float) -> Conduct:
    gt = s.ground_truth
    c = Conduct()
    c.investigating_while_affected_min = float(
        sum(1 for minute, b in st.buckets.items() if b.activity and b.bad and minute * 60 >= page - 60)
    )
    for t, _actor, key in st.actions:
        name = key.split(":", 1)[0]
        if name == "ack":
            continue
        before, after = _bad_share(st, t - 120, t), _bad_share(st, t, t + 120)
        if before is not None and after is not None and after > before + 0.05:
            c.harmful_actions.append(f"{key} at {_clock(st, t)} (bad answers {before:.0%} -> {after:.0%})")
        elif key not in {*gt.containment, *gt.mitigations, *RESTORING} and before == after:
            c.no_effect_actions.append(f"{key} at {_clock(st, t)}")
        if name in AIMED_AT and gt.cause not in AIMED_AT[name]:
            c.red_herrings.append(f"{key} at {_clock(st, t)} (the cause is {gt.cause.value})")
    for t, d in st.declarations:
        if d.get("change_id") in gt.red_herrings:
            c.red_herrings.append(f"blamed {d['change_id']} at {_clock(st, t)} (an innocent change)")
    c.penalty = PENALTY_EACH * (len(c.harmful_actions) + len(c.red_herrings))
    return c


def _bad_share(st: _State, start: float, end: float) -> float | None:
    served = bad = 0
    for minute in range(int(start // 60), int(end // 60) + 1):
        b = st.buckets.get(minute)
        if b is not None:
            served += b.served
            bad += b.bad
    return bad / served if served else None


def _timeline(st: _State) -> Timeline:
    tl = Timeline(
        marks=sorted(st.marks, key=lambda m: (m.t_min, m.kind, m.label)),
        fault_bands=sorted(st.bands, key=lambda b: (b.start_min, b.label)),
        end_min=st.end_t / 60,
    )
    if st.origin is not None:
        tl.clock_start_min = st.origin.hour * 60 + st.origin.minute + st.origin.second / 60
    for minute in sorted(st.buckets):
        b = st.buckets[minute]
        tl.minutes.append(minute)
        tl.quality.append(b.correct / b.served if b.served else None)
        tl.judge_quality.append(b.judge_quality)
        tl.error_rate.append(b.errors / b.requests if b.requests else b.error_rate)
        tl.p99_ms.append(b.p99_ms)
        tl.bad.append(b.bad)
    return tl


def _grade(points: float) -> str:
    for floor, letter in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
        if points >= floor:
            return letter
    return "F"
