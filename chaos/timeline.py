"""The shared incident timeline: the journal's human events, as the incident room sees them.

Everyone in the room sees the same lines, live: the page, alerts, change-log entries, actions,
declarations, notes, hints and role changes, each with the name of the person who did it, and
the drill's pauses and end. Read straight from the journal, so it works while the drill is
paused, after it has ended and after a restart. Responders get no ground truth: the change log's
``true_cause`` flag is dropped, and fault starts and stops are the facilitator's alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chaos.clock import clock_label
from chaos.events import RUNNER, WORLD, Event, EventKind
from chaos.roster import Role
from fake_llm.world.alerts import shown

ROOM_KINDS = (
    EventKind.PAGE, EventKind.ALERT_FIRED, EventKind.ALERT_RESOLVED, EventKind.CHANGE, EventKind.ACTION,
    EventKind.DECLARATION, EventKind.NOTE, EventKind.HINT, EventKind.ROLE, EventKind.EVAL_ADDED,
    EventKind.EVAL_VERIFIED, EventKind.DRILL_PAUSED, EventKind.DRILL_RESUMED, EventKind.DRILL_ENDED,
)
FACILITATOR_KINDS = (*ROOM_KINDS, EventKind.FAULT_STARTED, EventKind.FAULT_STOPPED)
SYSTEM_ACTORS = {RUNNER, WORLD}
DECLARED_ORDER = ("symptom", "cause", "change_id", "started_s", "fraction", "segment", "topics")


def kinds_for(*, facilitator: bool) -> tuple[EventKind, ...]:
    return FACILITATOR_KINDS if facilitator else ROOM_KINDS


def entries(events: Iterable[Event], *, facilitator: bool = False, people: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Timeline lines for the events the audience may see, in journal order.

    A change-log entry a person made through a control is the same moment as their action, so
    change entries authored by someone in the room (``people``, plus whoever joins as the events
    go by, plus the facilitator) are left out: only the world's own changes show.
    """
    allowed = set(kinds_for(facilitator=facilitator))
    room = {*people, "facilitator"}
    out = []
    for e in events:
        if e.kind is EventKind.ROLE:
            room.add(e.actor)
        if e.kind not in allowed or (e.kind is EventKind.CHANGE and e.data.get("author") in room):
            continue
        out.append(entry(e))
    return out


def entry(e: Event) -> dict[str, Any]:
    return {"seq": e.seq, "t_s": round(e.t_s, 1), "time": clock_label(e.t_s), "kind": e.kind.value,
            "actor": "" if e.actor in SYSTEM_ACTORS else e.actor, "text": describe(e)}


def describe(e: Event) -> str:
    d = e.data
    match e.kind:
        case EventKind.PAGE:
            return f"PAGE ({d.get('alert', '')}): {d.get('summary', '')}"
        case EventKind.ALERT_FIRED:
            return (f"alert {d['alert']} firing: {shown(d['alert'], d['value'])} against a threshold of "
                    f"{shown(d['alert'], d['threshold'])}")
        case EventKind.ALERT_RESOLVED:
            return f"alert {d['alert']} resolved"
        case EventKind.CHANGE:
            change = d.get("change_id") or d.get("id")
            return f"change {change} ({d.get('kind')}): {d.get('summary')} by {d.get('author')}"
        case EventKind.ACTION:
            return str(d.get("message") or d.get("action"))
        case EventKind.DECLARATION:
            return "declared " + ", ".join(_declared(k, d[k]) for k in DECLARED_ORDER if k in d)
        case EventKind.NOTE:
            return str(d.get("text", ""))
        case EventKind.HINT:
            return f"took hint {int(d['index']) + 1} (−{float(d['cost']):g} points): {d['text']}"
        case EventKind.ROLE:
            return f"is {_role_title(str(d['role']))}"
        case EventKind.EVAL_ADDED:
            return f"added eval case {d['case_id']}: {d['question']} → expects “{d['expect']}”"
        case EventKind.EVAL_VERIFIED:
            ok = d.get("during_incident_failed") and d.get("after_mitigation_passed")
            return f"eval case {d['case_id']} {'verified' if ok else 'NOT verified'}: {d.get('reason', '')}"
        case EventKind.DRILL_PAUSED:
            return "drill PAUSED"
        case EventKind.DRILL_RESUMED:
            return "drill resumed"
        case EventKind.DRILL_ENDED:
            return f"drill ENDED ({d.get('reason', '')})"
        case EventKind.FAULT_STARTED:
            return f"fault {d['fault_id']} ({d['type']}) started {_params(d.get('params'))}".rstrip()
        case EventKind.FAULT_STOPPED:
            return f"fault {d['fault_id']} ({d['type']}) stopped"
    return e.kind.value


def _declared(key: str, value: Any) -> str:
    if key == "started_s":
        return f"started {clock_label(float(value))}"
    if key == "change_id":
        return f"change {value}"
    if key == "fraction":
        return f"fraction {float(value):.0%}"
    if isinstance(value, list):
        return f"{key} {', '.join(map(str, value))}"
    return f"{key} {value}"


def _role_title(role: str) -> str:
    try:
        return Role(role).title
    except ValueError:  # a journal written before the role vocabulary it names
        return role


def _params(params: Any) -> str:
    if not params:
        return ""
    return "(" + ", ".join(f"{k}={v}" for k, v in sorted(params.items())) + ")"
