"""A blameless post-mortem draft, prefilled from the journal, the ground truth and the scorecard.

The runbook's five questions frame it; the last one ("what changes prevent recurrence?") is the
one that matters, and its best answer is a verified eval case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chaos.events import Event, EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import DECISION_TREE
from scorecards.card import Scorecard

TIMELINE_KINDS = {
    EventKind.PAGE,
    EventKind.FAULT_STARTED,
    EventKind.FAULT_STOPPED,
    EventKind.CHANGE,
    EventKind.ALERT_FIRED,
    EventKind.ALERT_RESOLVED,
    EventKind.ACTION,
    EventKind.DECLARATION,
    EventKind.NOTE,
    EventKind.HINT,
    EventKind.EVAL_ADDED,
    EventKind.EVAL_VERIFIED,
    EventKind.DRILL_ENDED,
}


def _clock(t_s: float) -> str:
    return (dt.datetime(2026, 11, 24, 14, 0) + dt.timedelta(seconds=t_s)).strftime("%H:%M")


def _describe(e: Event) -> str:
    d = e.data
    match e.kind:
        case EventKind.PAGE:
            return f"Page: {d.get('summary', '')}"
        case EventKind.FAULT_STARTED | EventKind.FAULT_STOPPED:
            return f"(ground truth) fault {d['type']} {'started' if e.kind is EventKind.FAULT_STARTED else 'ended'}"
        case EventKind.CHANGE:
            herring = "true cause" if d.get("true_cause") else "change"
            return f"{herring} {d['change_id']}: {d['summary']} ({d['author']})"
        case EventKind.ALERT_FIRED | EventKind.ALERT_RESOLVED:
            return f"alert {d['alert']} {'fired' if e.kind is EventKind.ALERT_FIRED else 'resolved'}"
        case EventKind.ACTION:
            return f"{e.actor}: {d['action']}{' ' + d['arg'] if d.get('arg') else ''} → {d.get('message', '')}"
        case EventKind.DECLARATION:
            return f"{e.actor} declared " + ", ".join(f"{k}={v}" for k, v in sorted(d.items()))
        case EventKind.NOTE:
            return f"{e.actor} (note): {d['text']}"
        case EventKind.HINT:
            return f"{e.actor} took hint {d['index'] + 1} (−{d['cost']:g})"
        case EventKind.EVAL_ADDED:
            return f"eval case {d['case_id']} added"
        case EventKind.EVAL_VERIFIED:
            return f"eval case {d['case_id']}: {d['reason']}"
        case _:
            return e.kind.value


def postmortem_markdown(events: Iterable[Event], scenario: Scenario, card: Scorecard) -> str:
    gt = scenario.ground_truth
    row = DECISION_TREE[gt.row]
    br = card.blast_radius
    rows, first_bad = [], None
    for e in events:
        if e.kind is EventKind.REQUEST:
            if e.data.get("bad") and first_bad is None:
                first_bad = e
                rows.append(
                    f"| {_clock(e.t_s)} | first bad answer served to {e.data['user']} "
                    f"({e.data['topic']}) | `firedrill trace {e.data['trace_id']}` |"
                )
            continue
        if e.kind in TIMELINE_KINDS:
            rows.append(f"| {_clock(e.t_s)} | {_describe(e)} | |")
    stage = {s.name: s for s in card.stages}
    declared = {f.field: f for f in card.characterisation}
    went_well = [s.explanation for s in card.stages if s.verdict == "pass"] or ["the team ran the drill to the end"]
    went_badly = [s.explanation for s in card.stages if s.verdict == "fail"]
    went_badly += card.conduct.red_herrings + card.conduct.harmful_actions
    verified = [e for e in card.evals if e["verified"]]
    lines = [
        f"# Post-mortem (draft): {scenario.title}",
        "",
        f"Blameless. Drill `{card.drill_id}`, scenario `{scenario.id}`, score {card.overall:.0f}/100 ({card.grade}).",
        "",
        "## Summary",
        "",
        f"{gt.symptom.value.replace('-', ' ').capitalize()} from {gt.cause.value.replace('-', ' ')} "
        f"(decision-tree row: *{gt.row.value}*). It started at {_clock(gt.started_s)}; about "
        f"{gt.fraction:.0%} of requests were affected"
        + (f", topics {', '.join(gt.topics)}" if gt.topics else "")
        + ".",
        "",
        "## Impact",
        "",
        f"- requests harmed in any way: **{br.harmed_requests}** of {br.requests} ({br.kinds_text}), reaching "
        f"{br.harmed_users} users",
        f"- bad answers served: **{br.bad_total}** ({br.bad_before} before containment, {br.bad_after} after)",
        f"- users who saw a bad answer before containment: **{br.users_before}**",
        f"- requests during the drill: {br.requests}",
        "",
        "## The five questions",
        "",
        f"1. **What happened?** {scenario.facilitator_notes.strip() or row.first_step}",
        f"2. **When did it start?** {_clock(gt.started_s)}; paged at {card.page_clock}.",
        "3. **Why didn't we catch it before it hit users?** No eval case covered this failure"
        + (f"; the change {gt.change_id} shipped without one." if gt.change_id else "."),
        "4. **What made it hard to diagnose?** "
        + ("; ".join(card.conduct.red_herrings) or f"the signal: {row.first_step.lower()}"),
        "5. **What changes prevent recurrence?** "
        + (
            ", ".join(f"eval case `{e['case_id']}` ({e['question']} → {e['expect']})" for e in verified)
            or "add an eval case that fails on this incident and passes after the fix (`firedrill eval add`)."
        ),
        "",
        "## Responders",
        "",
    ]
    lines += [f"- {name}: {', '.join(roles) or 'responder'}" for name, roles in sorted(card.responders.items())]
    lines += ["", "## Expected vs what happened", "", "| | declared | truth |", "|---|---|---|"]
    lines += [
        f"| {name} | {declared[name].declared if declared[name].declared is not None else '—'} | "
        f"{declared[name].truth} |"
        for name in declared
    ]
    lines += ["", "## Stages", ""] + [f"- **{n}** ({s.verdict}): {s.explanation}" for n, s in stage.items()]
    lines += ["", "## What went well", ""] + [f"- {w}" for w in went_well]
    lines += ["", "## What went badly", ""] + [f"- {b}" for b in went_badly or ["nothing stood out"]]
    lines += [
        "",
        "## Action items",
        "",
        f"- [ ] guard the {gt.cause.value} path: {row.first_step}",
        "- [ ] keep the verified eval case(s) in the eval suite, run on every prompt, model and index change",
        "- [ ] document the fallback path and who may flip it",
        "",
        "## Timeline",
        "",
        "| time | event | trace |",
        "|---|---|---|",
        *rows,
        "",
        "## Eval cases",
        "",
    ]
    lines += [
        f"- `{e['case_id']}` {'✔ verified' if e['verified'] else '✘ not verified'}: {e['question']} → "
        f"“{e['expect']}” — {e['reason']}"
        for e in card.evals
    ] or ["- none yet"]
    return "\n".join(lines) + "\n"
