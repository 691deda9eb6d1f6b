"""The page comes from what monitoring sees once the incident is under way, or from the scenario or the facilitator."""

from __future__ import annotations

import pytest

from chaos.drill import Drill
from chaos.errors import DrillError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import load_scenario
from chaos.scenario import Scenario
from chaos.taxonomy import Action
from scorecards import score


def _run(scenario: Scenario, until_s: float | None = None, **kw: object) -> tuple[Drill, EventLog]:
    log = EventLog(":memory:", durable=False)
    drill = Drill(scenario, log=log, **kw)  # type: ignore[arg-type]
    if until_s is None:
        drill.run()
    else:
        while drill.now_s() < until_s and drill.clock.step():
            pass
    return drill, log


def _pages(log: EventLog, drill: Drill) -> list[tuple[float, str, str]]:
    drill.end()
    return [(e.t_s, e.actor, e.data["alert"]) for e in log.events(drill.id) if e.kind is EventKind.PAGE]


def test_the_first_alert_after_the_first_fault_pages_not_the_ground_truth() -> None:
    s = load_scenario("provider-outage")
    truth_later = s.model_copy(update={"ground_truth": s.ground_truth.model_copy(update={"started_min": 30})})
    drill, log = _run(truth_later, until_s=900)
    [(t_s, actor, alert)] = _pages(log, drill)
    assert 600 <= t_s <= 700 and actor == "runner" and alert == "error_rate"


def test_without_an_alert_the_scenarios_page_time_pages() -> None:
    s = load_scenario("stale-index")
    timed = s.model_copy(update={"briefing": s.briefing.model_copy(update={"page_at_min": 11})})
    drill, log = _run(timed, until_s=1200)
    assert [(round(t), a) for t, _, a in _pages(log, drill)] == [(660, "user reports")]


def test_a_facilitator_can_page_by_hand_once() -> None:
    drill, log = _run(load_scenario("stale-index"), until_s=120)
    assert drill.page()["paged"] is True
    with pytest.raises(DrillError, match="already paged"):
        drill.page()
    assert [(round(t), alert) for t, _, alert in _pages(log, drill)] == [(120, "facilitator")]


def test_an_ack_before_the_page_is_not_the_pages_acknowledgement() -> None:
    scenario = load_scenario("provider-outage")
    drill, log = _run(scenario, until_s=300)
    drill.act("alex", Action.ACK)  # minute 5: nothing has happened yet
    while drill.now_s() < 900 and drill.clock.step():
        pass
    drill.act("alex", Action.FALLBACK, "backup-model")
    drill.end()
    card = score(log.events(drill.id), scenario)
    ack = next(s for s in card.stages if s.name == "acknowledge")
    assert ack.at_s is not None and ack.at_s >= 0  # measured from the page: the minute-5 ack does not count
