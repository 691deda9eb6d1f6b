"""The one-line outcome of a drill for matrices and --json: stage times and blast radius.

The full judgement is the scorer's (``scorecards.score``); this summary includes its scorecard
when the scorer is installed, and on its own only reads, from the journal, when the team first
did what the scenario counts as containing, characterising and mitigating.
"""

from __future__ import annotations

from typing import Any

from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import action_key, row_for

RESPONDER_KINDS = {EventKind.ACTION, EventKind.DECLARATION}


def drill_summary(log: EventLog, drill_id: str, scenario: Scenario) -> dict[str, Any]:
    gt = scenario.ground_truth
    page: float | None = None
    times: dict[str, float | None] = {"contain": None, "characterise": None, "mitigate": None}
    bad = 0
    users: set[str] = set()
    seed = None
    declared: dict[str, Any] = {}
    for e in log.events(drill_id):
        if e.kind is EventKind.DRILL_STARTED:
            seed = e.data.get("seed")
        elif e.kind is EventKind.PAGE and page is None:
            page = e.t_s
        elif e.kind is EventKind.REQUEST and e.data.get("bad"):
            bad += 1
            users.add(e.data["user"])
        elif e.kind is EventKind.ACTION:
            key = action_key(e.data["action"], e.data.get("arg"))
            if times["contain"] is None and (key in gt.containment or key in gt.mitigations):
                times["contain"] = e.t_s
            if times["mitigate"] is None and key in gt.mitigations:
                times["mitigate"] = e.t_s
        elif e.kind is EventKind.DECLARATION:
            declared.update({k: e.data[k] for k in ("symptom", "cause") if k in e.data})
            if times["characterise"] is None and (
                    e.data.get("symptom") == gt.symptom.value and e.data.get("cause") == gt.cause.value):
                times["characterise"] = e.t_s
    origin = page if page is not None else gt.started_s
    row = row_for(declared["symptom"], declared.get("cause")) if "symptom" in declared else None
    out: dict[str, Any] = {
        "drill_id": drill_id, "scenario_id": scenario.id, "seed": seed,
        "stages": {name: {"at_min": None if t is None else round((t - origin) / 60, 2)} for name, t in times.items()},
        "blast_radius": {"bad_answers": bad, "users": len(users)},
        "row": {"declared": row.value if row else None, "truth": gt.row.value, "right": row is gt.row},
    }
    try:
        from scorecards import score
    except ImportError:
        return out
    out["scorecard"] = score(log.events(drill_id), scenario).to_dict()
    return out
