"""The scorer: a pure function of a drill's journal, its scenario and its counterfactual baseline.

One streaming pass builds the drill's harm profile (``scorecards.harm``) and a few counters, never
keeping the events, so a million-event drill scores in seconds. The stage rules live in
``scorecards.stages``; this module turns them into points, each with its formula on the card:

- acknowledge (10): ``10 × timeliness(minutes after the page)``;
- contain (30): ``30 × (1 − harm left / harm had nobody responded)``, harm counted above the
  pre-incident normal from the page to the end, or to the restoration (after it, residual harm
  is within the restored tolerance). Zero without a containment (an action after the page after
  which harm fell). Containing at the page would leave no harm: full points. Faster ⇒ less harm
  left ⇒ strictly more points;
- characterise (20): ``20 × right fields × timeliness`` of the standing characterisation;
- mitigate (25): ``25 × requests from the restoration / requests from the page`` (both up to the
  baseline's own recovery, the drill's end if the fault never ends by itself); zero unless the
  feature is live again at baseline quality, latency and cost for a sustained window;
- post-mortem (15): at least one verified eval case.

Then minus hints and conduct: 3 per action that made things worse, 3 per red herring chased,
1 per failed or rejected action, 2 per change of a declared field.

``baseline`` is the harm profile of the same scenario and seed with the idle responder, computed
drill-side (``chaos.baseline``) and passed in. Without one the scorer estimates it from the
journal (the incident as it was before anyone acted, carried on) and says so on the card.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chaos.events import FACILITATOR, Event, EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import Cause, IncidentStage, action_key
from scorecards.card import (
    Band,
    BlastRadius,
    Conduct,
    FieldCheck,
    KindCount,
    Mark,
    Scorecard,
    StageResult,
    Timeline,
)
from scorecards.harm import KINDS, NOT_RESPONDERS, WEIGHTS, HarmKind, Profile, _feature_state
from scorecards.stages import (
    MIN_REQUESTS,
    WINDOW_S,
    Norms,
    Restoration,
    acknowledged,
    characterisation,
    contained,
    estimated_baseline,
    excess,
    fell,
    healthy_after,
    norms,
    page_time,
    recovered_by_itself,
    restored,
    rose,
    units,
)

WEIGHTS_BY_STAGE = {IncidentStage.ACKNOWLEDGE: 10.0, IncidentStage.CONTAIN: 30.0, IncidentStage.CHARACTERISE: 20.0,
                    IncidentStage.MITIGATE: 25.0, IncidentStage.POSTMORTEM: 15.0}
PENALTY = {"harmful": 3.0, "red_herring": 3.0, "failed": 1.0, "change": 2.0}
RESTORING = {"fallback:off", "feature-on", "disclaimer-off"}  # going back to normal is not "no effect"
# a control aimed at a cause: chasing it while no such cause is in play is a red herring
AIMED_AT = {"prompt-rollback": {Cause.PROMPT}, "index-rebuild": {Cause.INDEX, Cause.RETRIEVAL, Cause.CONTEXT_GROWTH}}
FAULT_CAUSES = {"prompt_regression": Cause.PROMPT, "stale_index": Cause.INDEX,
                "retrieval_degradation": Cause.RETRIEVAL, "context_growth": Cause.CONTEXT_GROWTH}
FIELD_WEIGHTS = {"symptom": 0.35, "cause": 0.35}  # the rest (0.3) is shared by the detail fields
CHART_BUCKET_S = 60


@dataclass
class _Minute:
    requests: int = 0
    served: int = 0
    correct: int = 0
    bad: int = 0
    errors: int = 0
    p99_ms: float | None = None
    judge_quality: float | None = None
    error_rate: float | None = None


@dataclass
class _State:
    profile: Profile
    slo_ms: float
    scenario: Scenario
    drill_id: str = ""
    seed: int | None = None
    team: str | None = None
    origin: dt.datetime | None = None
    feature_on: bool = True
    minutes: dict[int, _Minute] = field(default_factory=dict)
    baseline: list[int] = field(default_factory=lambda: [0, 0])  # correct, served before the incident
    harm_times: dict[str, array[float]] = field(default_factory=dict)
    harm_users: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # kind -> user -> [first, last]
    requests: int = 0
    cost_usd: float = 0.0
    responder_times: list[float] = field(default_factory=list)
    declarations: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    actions: list[tuple[float, str, str]] = field(default_factory=list)  # ok responder actions
    failed: list[tuple[float, str, str, str]] = field(default_factory=list)  # t, actor, key, message
    hints: list[dict[str, Any]] = field(default_factory=list)
    responders: dict[str, list[str]] = field(default_factory=dict)
    evals: dict[str, dict[str, Any]] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)
    faults_open: dict[str, Band] = field(default_factory=dict)
    fault_types: set[str] = field(default_factory=set)
    bands: list[Band] = field(default_factory=list)
    ended: str | None = None  # the drill_ended event's reason; "interrupted" when closed after its runner stopped


def score(events: Iterable[Event], scenario: Scenario, baseline: Profile | dict[str, Any] | None = None) -> Scorecard:
    gt = scenario.ground_truth
    st = _State(Profile(started_s=gt.started_s), scenario.world.latency_slo_ms, scenario)
    st.harm_times = {k.value: array("d") for k in KINDS}
    st.harm_users = {k.value: {} for k in KINDS}
    for e in events:
        _take(st, e)
    p = st.profile
    p._grow(p.index(p.end_s))
    st.bands.extend(st.faults_open.values())
    _flag_alerts(st)
    if isinstance(baseline, dict):
        baseline = Profile.from_dict(baseline)
    estimated = baseline is None
    base = estimated_baseline(p) if baseline is None else baseline
    nm = norms(base)
    page = page_time(p)
    rest = restored(p, base, nm)
    contain = contained(p, base, nm)
    if rest is not None and (contain is None or contain[0] > rest.action_s):
        # restoring the feature contains it too, and no later action can have contained what was already restored
        contain = (rest.action_s, rest.by)
    if rest is not None:  # the chart's story by the stage rule: the fault ends where the mitigation stage says
        _mark_mitigated(st, scenario, rest.action_s)
    base_end = recovered_by_itself(base, nm)
    recovery = base_end if base_end is not None else p.end_s
    blast = _blast(st, base, nm, page, contain)
    characterisation_checks, char_stage, ch_changes, ignored_declarations = _characterise(st, scenario, page)
    conduct = _conduct(st, scenario, base, nm, page, contain, ch_changes, ignored_declarations)
    stages = [
        _acknowledge(st, scenario, page),
        _contain(st, scenario, base, nm, page, contain, rest, blast),
        char_stage,
        _mitigate(st, scenario, page, rest, recovery),
        _postmortem(st),
    ]
    hint_cost = sum(h["cost"] for h in st.hints)
    overall = max(0.0, min(100.0, sum(s.points for s in stages) - hint_cost - conduct.penalty))
    tl = _timeline(st)
    for s in stages:
        if s.at_s is not None:
            tl.marks.append(Mark((page + s.at_s) / 60, "stage", s.name))
    tl.marks.sort(key=lambda m: (m.t_min, m.kind, m.label))
    return Scorecard(
        drill_id=st.drill_id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        seed=st.seed,
        team=st.team,
        page_clock=_clock(st, page),
        stages=stages,
        blast_radius=blast,
        characterisation=characterisation_checks,
        conduct=conduct,
        hints=st.hints,
        hint_cost=hint_cost,
        overall=round(overall, 1),
        grade=_grade(overall),
        responders=st.responders,
        evals=sorted(st.evals.values(), key=lambda c: c["case_id"]),
        timeline=tl,
        baseline_quality=st.baseline[0] / st.baseline[1] if st.baseline[1] else None,
        ended=st.ended,
        end_clock=_clock(st, p.end_s),
        baseline="estimated" if estimated else "counterfactual",
        baseline_profile=None if estimated else base.to_dict(),
    )


# --- the streaming pass ---------------------------------------------------------------------


def _take(st: _State, e: Event) -> None:
    kind, d, t = e.kind, e.data, e.t_s
    p = st.profile
    if t > p.end_s:
        p.end_s = t
    if kind is EventKind.REQUEST:
        harm = p.add_request(t, d, st.slo_ms, feature_on=st.feature_on)
        st.requests += 1
        st.cost_usd += float(d.get("cost_usd") or 0.0)
        m = st.minutes.get(int(t // CHART_BUCKET_S))
        if m is None:
            m = st.minutes[int(t // CHART_BUCKET_S)] = _Minute()
        m.requests += 1
        if d["status"] == "error":
            m.errors += 1
        if d["served"]:
            m.served += 1
            m.correct += bool(d["correct"])
            m.bad += bool(d["bad"])
            if t < p.started_s:
                st.baseline[0] += bool(d["correct"])
                st.baseline[1] += 1
        if harm is not None:
            st.harm_times[harm.value].append(t)
            seen = st.harm_users[harm.value].get(d["user"])
            if seen is None:
                st.harm_users[harm.value][d["user"]] = [t, t]
            else:
                seen[1] = t
        return
    if kind is EventKind.METRICS:
        m = st.minutes.setdefault(int(t // CHART_BUCKET_S), _Minute())
        m.p99_ms, m.judge_quality, m.error_rate = d.get("p99_ms"), d.get("quality"), d.get("error_rate")
        return
    responder = e.actor not in NOT_RESPONDERS
    if responder:
        st.responders.setdefault(e.actor, [])
        if kind in (EventKind.ACTION, EventKind.DECLARATION, EventKind.NOTE, EventKind.ROLE, EventKind.HINT):
            st.responder_times.append(t)
    if kind is EventKind.DRILL_STARTED:
        st.drill_id, st.seed, st.team = d.get("drill_id", ""), d.get("seed"), d.get("team")
        st.origin = dt.datetime.fromisoformat(d["clock_origin"]) if d.get("clock_origin") else None
    elif kind is EventKind.DRILL_ENDED:
        st.ended = "interrupted" if d.get("interrupted") else str(d.get("reason") or "ended")
    elif kind is EventKind.PAGE and p.page_s is None:
        p.page_s = t
        st.marks.append(Mark(t / 60, "page", f"page: {d.get('alert', '')}"))
    elif kind is EventKind.ACTION:
        key = action_key(d["action"], d.get("arg")) if d.get("action") else str(d.get("requested", "?"))
        if not d.get("ok", True):
            if responder:
                st.failed.append((t, e.actor, key, str(d.get("message", ""))))
                st.marks.append(Mark(t / 60, "action", f"{key} (failed)", actor=e.actor))
            return
        st.feature_on = _feature_state(d, st.feature_on)
        if responder:
            st.actions.append((t, e.actor, key))
            p.actions.append((t, e.actor, key))
            st.marks.append(Mark(t / 60, "action", key, actor=e.actor))
    elif kind is EventKind.DECLARATION:
        st.declarations.append((t, d))
        st.marks.append(Mark(t / 60, "declaration", ", ".join(f"{k}={v}" for k, v in sorted(d.items())),
                             actor=e.actor))
    elif kind is EventKind.HINT:
        st.hints.append({"index": d["index"], "text": d["text"], "cost": float(d["cost"]), "by": e.actor})
        st.marks.append(Mark(t / 60, "hint", f"hint {int(d['index']) + 1} (−{float(d['cost']):g})", actor=e.actor))
    elif kind is EventKind.ROLE:
        st.responders.setdefault(e.actor, []).append(d["role"])
    elif kind is EventKind.ALERT_FIRED:
        st.marks.append(Mark(t / 60, "alert", d["alert"]))
    elif kind is EventKind.FAULT_STARTED:
        injected = e.actor == FACILITATOR  # the engine journals who started it: the facilitator, or the runner
        st.faults_open[d["fault_id"]] = Band(t / 60, None, d["type"], injected=injected)
        st.fault_types.add(d["type"])
        if injected:
            st.marks.append(Mark(t / 60, "injection", f"injected {d['type']}", actor="facilitator", flag="injected"))
    elif kind is EventKind.FAULT_STOPPED and d["fault_id"] in st.faults_open:
        band = st.faults_open.pop(d["fault_id"])
        band.end_min = t / 60
        st.bands.append(band)
    elif kind is EventKind.EVAL_ADDED:
        st.evals[d["case_id"]] = {**d, "verified": False, "reason": "not verified yet"}
    elif kind is EventKind.EVAL_VERIFIED and d["case_id"] in st.evals:
        ok = bool(d["verified"]) if "verified" in d else bool(
            d.get("during_incident_failed") and d.get("after_mitigation_passed"))
        st.evals[d["case_id"]].update(verified=ok, reason=d.get("reason", ""))
    elif kind is EventKind.EVAL_REMOVED:
        st.evals.pop(d.get("case_id", ""), None)


ALERT_LAG_MIN = 2.0  # metrics look back over a window: an alert just after a fault stopped is still its echo


def _flag_alerts(st: _State) -> None:
    """An alert no fault explains is a false alert; one only an injected fault explains is the injection's."""
    end = st.profile.end_s / 60
    for mark in st.marks:
        if mark.kind != "alert":
            continue
        live = [b for b in st.bands
                if b.start_min <= mark.t_min <= (end if b.end_min is None else b.end_min) + ALERT_LAG_MIN]
        if not live:
            mark.flag = "false alert"
        elif all(b.injected for b in live):
            mark.flag = "injected"


def _mark_mitigated(st: _State, scenario: Scenario, t_s: float) -> None:
    """The incident's own fault (the scheduled one starting at the incident start) ends, for the story, at the
    mitigation, even where the fault itself stays in play behind a workaround (a provider still down)."""
    t_min = t_s / 60
    for b in st.bands:
        if (not b.injected and abs(b.start_min * 60 - scenario.ground_truth.started_s) < 1.0
                and b.start_min <= t_min and (b.end_min is None or t_min < b.end_min)):
            b.mitigated_min = t_min


# --- stages ---------------------------------------------------------------------------------


def _clock(st: _State, t_s: float) -> str:
    origin = st.origin or dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)
    return (origin + dt.timedelta(seconds=t_s)).strftime("%H:%M")


def timeliness(at_s: float, target_s: float, *, at_target: float = 0.5) -> float:
    """1 at the page, falling linearly to ``at_target`` at the target, then to 0 at three targets."""
    if at_s <= target_s:
        return 1.0 - (1.0 - at_target) * at_s / target_s
    return max(0.0, at_target * (1.0 - (at_s - target_s) / (2 * target_s)))


def _side(at: float, target: float, target_min: float) -> str:
    if at <= target:
        return f"{(target - at) / 60:.1f} min inside the {target_min:g} min target"
    return f"{(at - target) / 60:.1f} min over the {target_min:g} min target"


def _acknowledge(st: _State, s: Scenario, page: float) -> StageResult:
    w, target = WEIGHTS_BY_STAGE[IncidentStage.ACKNOWLEDGE], s.targets.acknowledge_min * 60
    t = acknowledged(st.responder_times, page)
    if t is None:
        return StageResult("acknowledge", "fail", None, target, 0.0, w, "never acknowledged after the page",
                           f"{w:g} × 0 (nothing after the page) = 0.0", {})
    at = t - page
    share = timeliness(at, target)
    return StageResult(
        "acknowledge", "pass" if at <= target else "fail", at, target, share, w,
        f"acknowledged at {_clock(st, t)} ({at / 60:.1f} min after the page), "
        f"{_side(at, target, s.targets.acknowledge_min)}",
        f"{w:g} × timeliness({at / 60:.1f} min, target {target / 60:g}) = {w:g} × {share:.3f} = {w * share:.1f}",
        {"at_min": round(at / 60, 2), "target_min": target / 60, "timeliness": round(share, 4)},
    )


def _contain(st: _State, s: Scenario, base: Profile, nm: Norms, page: float, contain: tuple[float, str] | None,
             rest: Restoration | None, blast: BlastRadius) -> StageResult:
    w, target = WEIGHTS_BY_STAGE[IncidentStage.CONTAIN], s.targets.contain_min * 60
    p = st.profile
    had = units(base, nm, page, p.end_s)
    until = rest.at_s if rest is not None else p.end_s
    left = units(p, nm, page, until)
    numbers: dict[str, float | None] = {"baseline_harm": round(had, 2), "harm_left": round(left, 2),
                                        "avoided": round(had - left, 2),
               "ideal_harm": 0.0}
    if had < 2 * MIN_REQUESTS * 0.05:  # under 3 harm units: nothing measurable to contain
        return StageResult("contain", "n/a", None, target, 0.0, w,
                           "the incident did no measurable harm to contain (baseline harm "
                           f"{had:.1f} units)", f"{w:g} × 0 (nothing to contain) = 0.0", numbers)
    share = max(0.0, min(1.0, 1.0 - left / had))
    formula = (f"{w:g} × (1 − harm left / harm had nobody responded) = {w:g} × (1 − {left:.1f} / {had:.1f}) "
               f"= {w * share:.1f}")
    kinds = ", ".join(f"{k.requests} {k.kind}" for k in blast.by_kind if k.requests) or "no harm"
    if contain is None:
        return StageResult("contain", "fail", None, target, 0.0, w,
                           f"never contained: no action after the page made harm fall ({kinds}; "
                           f"{blast.harmed_users} users harmed)",
                           f"{w:g} × 0 (no containment; harm avoided share would be {share:.2f}) = 0.0", numbers)
    t, key = contain
    at = t - page
    after_left = units(p, nm, t, until)
    after_had = units(base, nm, t, p.end_s)
    held = after_had <= 0 or after_left <= 0.5 * after_had
    verdict = "pass" if at <= target and held else "fail"
    hold = ("harm stayed down after it" if held else
            f"but harm did not stay down ({after_left:.0f} of {after_had:.0f} units still served after it)")
    return StageResult(
        "contain", verdict, at, target, share, w,
        f"contained at {_clock(st, t)} by {key} ({at / 60:.1f} min after the page), "
        f"{_side(at, target, s.targets.contain_min)}; {hold}; before it {blast.bad_before} wrong answers "
        f"reached {blast.users_before} users; harm avoided {had - left:.1f} of {had:.1f} units"
        + _window(st, rest, left, blast),
        formula, {**numbers, "at_min": round(at / 60, 2)},
    )


def _window(st: _State, rest: Restoration | None, left: float, blast: BlastRadius) -> str:
    """Why "harm left" and the blast radius's "harm after the page" differ: contain counts harm only
    up to the restoration (after it the residual is within the restored tolerance), the blast radius
    to the drill's end. Said on the card so nobody has to reverse-engineer two figures."""
    if rest is None or abs(blast.harm_units - left) < 0.05:
        return ""
    return (f" (harm left is counted to the restoration at {_clock(st, rest.at_s)}; the blast radius's "
            f"{blast.harm_units:.1f} runs to the end)")


def _mitigate(st: _State, s: Scenario, page: float, rest: Restoration | None, recovery: float) -> StageResult:
    w, target = WEIGHTS_BY_STAGE[IncidentStage.MITIGATE], s.targets.mitigate_min * 60
    p = st.profile
    total = p.total(p.n, page, recovery)
    if rest is None:
        tried = ", ".join(sorted({k for _, _, k in st.actions if k != "ack"})) or "nothing"
        return StageResult(
            "mitigate", "fail", None, target, 0.0, w,
            "the feature never came back live (model answers, not a fallback or the kill switch) at pre-incident "
            f"quality, latency and cost for 5 minutes; tried {tried}",
            f"{w:g} × 0 (never restored) = 0.0", {"requests_after_page": total})
    restored_n = p.total(p.n, rest.at_s, recovery)
    share = restored_n / total if total else 0.0
    at = rest.at_s - page
    return StageResult(
        "mitigate", "pass" if at <= target else "fail", at, target, share, w,
        f"mitigated by {rest.by} at {_clock(st, rest.action_s)}; the feature was live at pre-incident quality, "
        f"latency and cost from {_clock(st, rest.at_s)} ({at / 60:.1f} min after the page, "
        f"{_side(at, target, s.targets.mitigate_min)}) for at least 5 minutes",
        f"{w:g} × requests restored / requests after the page = {w:g} × {restored_n:.0f} / {total:.0f} "
        f"= {w * share:.1f}",
        {"requests_restored": restored_n, "requests_after_page": total, "at_min": round(at / 60, 2),
         "baseline_recovery_min": round(recovery / 60, 2)},
    )


def _postmortem(st: _State) -> StageResult:
    w = WEIGHTS_BY_STAGE[IncidentStage.POSTMORTEM]
    verified = [c for c in st.evals.values() if c["verified"]]
    if verified:
        return StageResult("postmortem", "pass", None, None, 1.0, w,
                           f"{len(verified)} verified eval case(s) would have caught this incident",
                           f"{w:g} × 1 (a verified eval case) = {w:.1f}",
                           {"verified": len(verified), "cases": len(st.evals)})
    detail = f"{len(st.evals)} case(s) added but none verified" if st.evals else "no eval case added"
    return StageResult("postmortem", "fail", None, None, 0.0, w,
                       f"{detail}: add one with `firedrill eval add` and check it with `firedrill eval verify`",
                       f"{w:g} × 0 (no verified eval case) = 0.0", {"verified": 0, "cases": len(st.evals)})


_NOTHING = {"none", "all", "all users", "everyone", "-", ""}  # "no segment", "no change"


def _characterise(st: _State, s: Scenario, page: float
                  ) -> tuple[list[FieldCheck], StageResult, list[str], list[str]]:
    gt = s.ground_truth
    w, target = WEIGHTS_BY_STAGE[IncidentStage.CHARACTERISE], s.targets.characterise_min * 60
    ch = characterisation(st.declarations, page, gt.symptom.value, gt.cause.value)
    d = ch.standing
    truth: dict[str, Any] = {"started_s": gt.started_s, "fraction": gt.fraction, "segment": gt.segment,
                             "symptom": gt.symptom.value, "cause": gt.cause.value, "change_id": gt.change_id}
    if gt.topics:
        truth["topics"] = sorted(gt.topics)
    details = ["started_s", "fraction"] + [k for k in ("segment", "change_id", "topics") if truth.get(k)]
    weights = {**FIELD_WEIGHTS, **{k: 0.3 / len(details) for k in details}}
    checks, right = [], 0.0
    for name, value in truth.items():
        declared = d.get(name)
        ok: bool | None
        if value is None and declared is None:
            continue  # nothing to check: the incident has no segment (or change) and none was declared
        if value is None:  # declared a segment or a change the incident does not have: unweighted either way
            ok = str(declared).strip().lower() in _NOTHING
            value = "none (all users)" if name == "segment" else "none"
        elif declared is None:
            ok = None
        elif name == "started_s":
            ok = abs(float(declared) - value) <= gt.start_tolerance_min * 60
        elif name == "fraction":
            ok = abs(float(declared) - value) <= gt.fraction_tolerance
        elif name == "topics":
            ok = sorted(map(str, declared if isinstance(declared, list) else [declared])) == value
        else:
            ok = declared == value
        if ok and name in weights:
            right += weights[name]
        shown_decl = _clock(st, float(declared)) if name == "started_s" and declared is not None else declared
        shown_truth = _clock(st, value) if name == "started_s" else value
        checks.append(FieldCheck(name.removesuffix("_s"), shown_decl, shown_truth, ok))
    changes = [f"{f} {_short(a)} → {_short(b)} at {_clock(st, t)}" for t, f, a, b in ch.changes]
    ignored = [f"declaration at {_clock(st, t)}" for t, _d in st.declarations if t < page]
    counted = [t for t, _d in st.declarations if t >= page]
    core = d.get("symptom") == gt.symptom.value and d.get("cause") == gt.cause.value
    if not counted:
        stage = StageResult("characterise", "fail", None, target, 0.0, w,
                            "never characterised after the page" + (f" ({len(ignored)} declaration(s) before it "
                                                                    "do not count)" if ignored else ""),
                            f"{w:g} × 0 (no declaration after the page) = 0.0", {})
        return checks, stage, changes, ignored
    t_core = ch.right_since if core and ch.right_since is not None else counted[-1]
    at = t_core - page
    share = right * timeliness(at, target, at_target=0.75)
    verdict = "pass" if core and at <= target else "fail"
    what = ("symptom and cause right" if core else
            "symptom or cause wrong") + f" ({right:.0%} of the fields right)"
    stage = StageResult(
        "characterise", verdict, at if core else None, target, share, w,
        f"{what}; standing since {_clock(st, t_core)} ({at / 60:.1f} min after the page), "
        f"{_side(at, target, s.targets.characterise_min)}",
        f"{w:g} × right fields × timeliness = {w:g} × {right:.2f} × {timeliness(at, target, at_target=0.75):.3f} "
        f"= {w * share:.1f}",
        {"right_fields": round(right, 4), "at_min": round(at / 60, 2), "changes": len(changes)},
    )
    return checks, stage, changes, ignored


def _short(v: Any) -> str:
    return ",".join(map(str, v)) if isinstance(v, list) else str(v)


# --- blast radius and conduct --------------------------------------------------------------


def _blast(st: _State, base: Profile, nm: Norms, page: float, contain: tuple[float, str] | None) -> BlastRadius:
    p = st.profile
    c = contain[0] if contain is not None else float("inf")
    br = BlastRadius(requests=st.requests, cost_usd=round(st.cost_usd, 6))
    users: set[str] = set()
    for kind in KINDS:
        times = st.harm_times[kind.value]
        before = bisect_left(times, c) if c != float("inf") else len(times)
        who = st.harm_users[kind.value]
        users.update(who)
        br.by_kind.append(KindCount(kind.value, WEIGHTS[kind], len(times), len(who), before, len(times) - before))
        br.harmed_requests += len(times)
        if kind in (HarmKind.WRONG, HarmKind.DISCLAIMED):
            br.bad_before += before
            br.bad_after += len(times) - before
    wrong_users = {**st.harm_users[HarmKind.WRONG.value]}
    for u, (first, last) in st.harm_users[HarmKind.DISCLAIMED.value].items():
        f0, l0 = wrong_users.get(u, [first, last])
        wrong_users[u] = [min(f0, first), max(l0, last)]
    br.users_before = sum(1 for first, _ in wrong_users.values() if first < c)
    br.users_after = sum(1 for _, last in wrong_users.values() if last >= c)
    br.harmed_users = len(users)
    user, cost = excess(p, nm, page, p.end_s)
    b_user, b_cost = excess(base, nm, page, p.end_s)  # the same window as the drill's, as contain compares
    br.harm_units = round(user + nm.cost_units(cost), 3)
    br.baseline_harm_units = round(b_user + nm.cost_units(b_cost), 3)
    br.cost_overrun_usd, br.baseline_cost_overrun_usd = round(cost, 4), round(b_cost, 4)
    return br


def _conduct(st: _State, s: Scenario, base: Profile, nm: Norms, page: float, contain: tuple[float, str] | None,
             changes: list[str], ignored_declarations: list[str]) -> Conduct:
    gt = s.ground_truth
    p = st.profile
    c = Conduct(declaration_changes=changes)
    aimed_ok = {*gt.containment, *gt.mitigations}
    for item in s.timeline:
        if item.fault is not None:
            aimed_ok.update(item.fault.fixed_by)
            st.fault_types.add(item.fault.type)
    in_play = {gt.cause} | {FAULT_CAUSES[t] for t in st.fault_types if t in FAULT_CAUSES}
    end_contain = contain[0] if contain is not None else p.end_s
    busy = {int(t // 60) for t in st.responder_times if page <= t < end_contain}
    c.investigating_while_affected_min = float(len(busy))
    for t, _actor, key in st.actions:
        name = key.split(":", 1)[0]
        if name == "ack":
            continue
        if t < page:
            c.ignored_before_page.append(f"{key} at {_clock(st, t)}")
        verdict = _effect(p, base, nm, t)
        if verdict == "worse":
            c.harmful_actions.append(f"{key} at {_clock(st, t)} (harm rose above what the drill would "
                                     f"otherwise have served, over the next {WINDOW_S / 60:g} min)")
        elif verdict == "none" and key not in aimed_ok | RESTORING:
            c.no_effect_actions.append(f"{key} at {_clock(st, t)}")
        if key not in aimed_ok and name in AIMED_AT and not (AIMED_AT[name] & in_play):
            c.red_herrings.append(f"{key} at {_clock(st, t)} (no {'/'.join(sorted(AIMED_AT[name]))} cause in play)")
    for t, d in st.declarations:
        if t >= page and d.get("change_id") in gt.red_herrings:
            c.red_herrings.append(f"blamed {d['change_id']} at {_clock(st, t)} (an innocent change)")
    c.failed_actions = [f"{key} at {_clock(st, t)} by {actor}: {msg}" for t, actor, key, msg in st.failed]
    c.ignored_before_page += ignored_declarations
    n = {"harmful": len(c.harmful_actions), "red_herring": len(c.red_herrings), "failed": len(c.failed_actions),
         "change": len(c.declaration_changes)}
    c.penalty = sum(PENALTY[k] * v for k, v in n.items())
    c.formula = " + ".join(f"{PENALTY[k]:g} × {v} {k.replace('_', ' ')}" for k, v in n.items()) + f" = {c.penalty:g}"
    return c


def _effect(p: Profile, base: Profile, nm: Norms, t: float) -> str:
    """worse | better | none: harm over the window after ``t`` against the counterfactual plus the
    team's standing before ``t`` (what it would have been had this action not happened)."""
    after = _bucket_ceil(p, t)
    before = after - p.bucket_s
    if (p.total(p.n, after, after + WINDOW_S) < MIN_REQUESTS
            or p.total(p.n, before - WINDOW_S, before) < MIN_REQUESTS):
        return "unjudged"
    a_after, x_after = units(p, nm, after, after + WINDOW_S), units(base, nm, after, after + WINDOW_S)
    a_before, x_before = units(p, nm, before - WINDOW_S, before), units(base, nm, before - WINDOW_S, before)
    expected = max(0.0, x_after + (a_before - x_before))
    if rose(a_after, expected) and not healthy_after(p, base, nm, t):  # back to normal is never "worse"
        return "worse"
    if fell(a_after, expected):
        return "better"
    return "none"


def _bucket_ceil(p: Profile, t: float) -> float:
    return -(-t // p.bucket_s) * p.bucket_s


def _timeline(st: _State) -> Timeline:
    tl = Timeline(marks=list(st.marks), fault_bands=sorted(st.bands, key=lambda b: (b.start_min, b.label)),
                  end_min=st.profile.end_s / 60)
    if st.origin is not None:
        tl.clock_start_min = st.origin.hour * 60 + st.origin.minute + st.origin.second / 60
    for minute in sorted(st.minutes):
        b = st.minutes[minute]
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
