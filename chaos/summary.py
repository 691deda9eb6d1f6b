"""The one-line outcome of a drill for matrices and --json: stage times, blast radius and the scorecard.

Stage times come from the scorer's stage rules (``scorecards.stages``, through the scorecard),
measured against the drill's counterfactual baseline (``chaos.baseline``): one definition of
"contained", "characterised" and "mitigated" everywhere.
"""

from __future__ import annotations

from typing import Any

from chaos.baseline import baseline_for
from chaos.eventlog import EventLog
from chaos.scenario import Scenario
from chaos.taxonomy import row_for
from scorecards.score import score


def drill_summary(log: EventLog, drill_id: str, scenario: Scenario) -> dict[str, Any]:
    gt = scenario.ground_truth
    seed = log.drill(drill_id).seed
    card = score(log.events(drill_id), scenario, baseline_for(scenario, seed))
    stages = {s.name: s for s in card.stages}
    declared = {f.field: f.declared for f in card.characterisation}
    row = row_for(declared["symptom"], declared.get("cause")) if declared.get("symptom") else None
    br = card.blast_radius
    return {
        "drill_id": drill_id, "scenario_id": scenario.id, "seed": seed,
        "stages": {name: {"at_min": None if (at_s := stages[name].at_s) is None else round(at_s / 60, 2),
                          "verdict": stages[name].verdict, "points": round(stages[name].points, 1)}
                   for name in ("acknowledge", "contain", "characterise", "mitigate", "postmortem")},
        "blast_radius": {"bad_answers": br.bad_total, "users": br.harmed_users, "harmed_requests": br.harmed_requests,
                         "harm_units": br.harm_units, "baseline_harm_units": br.baseline_harm_units,
                         "cost_overrun_usd": br.cost_overrun_usd},
        "row": {"declared": row.value if row else None, "truth": gt.row.value, "right": row is gt.row},
        "scorecard": card.to_dict(),
    }
