"""One way in for faults: the admin API, ``drill inject`` and the scenario timeline all start a fault
through the engine, so each has the same effect on the drill, world changes included."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.faults.registry import FAULT_TYPES
from chaos.live import serve_drill
from chaos.loader import load_scenario
from scorecards import score

FACILITATOR = {"authorization": "Bearer fac-token"}
INJECT_AT_S, UNTIL_S = 300.0, 600.0  # five minutes of the fault for its effects to show in both journals


def drilled(tmp_path: Path, fault_type: str, path: str) -> list[tuple[object, ...]]:
    """A quiet scenario driven to INJECT_AT_S, the fault added over HTTP at ``path``, then run on."""
    log = EventLog(tmp_path / f"{path.strip('/').replace('/', '-')}.sqlite3")
    drill = Drill(load_scenario("onboarding"), log=log, seed=7)
    live = serve_drill(drill, responder_token="join", facilitator_token="fac-token")
    try:
        drill.env.run(until=INJECT_AT_S)
        r = httpx.post(live.url + path, json={"type": fault_type, "id": "injected"}, headers=FACILITATOR)
        assert r.status_code in (200, 201), r.text
        drill.env.run(until=UNTIL_S)
        drill.end()
    finally:
        live.server.stop()
    return [(e.t_s, e.kind, e.actor, e.data) for e in log.events(drill.id) if e.t_s >= INJECT_AT_S]


@pytest.mark.parametrize("fault_type", sorted(FAULT_TYPES))
def test_a_fault_added_through_the_admin_api_acts_exactly_as_drill_inject(tmp_path: Path, fault_type: str) -> None:
    admin = drilled(tmp_path, fault_type, "/admin/faults")
    inject = drilled(tmp_path, fault_type, "/drill/inject")
    started = [e for e in admin if e[1] is EventKind.FAULT_STARTED and e[3]["fault_id"] == "injected"]  # type: ignore[index]
    assert started and started[0][0] == INJECT_AT_S
    assert admin == inject


def test_a_prompt_regression_added_through_the_admin_api_deploys_its_prompt(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "d.sqlite3")
    drill = Drill(load_scenario("onboarding"), log=log)
    live = serve_drill(drill, responder_token="join", facilitator_token="fac-token")
    try:
        drill.env.run(until=60)
        before = drill.world.prompts.current.version
        r = httpx.post(live.url + "/admin/faults", json={"type": "prompt_regression"}, headers=FACILITATOR)
        assert r.status_code == 201
        assert drill.world.prompts.current.version != before
        assert any(c["summary"].startswith("prompt") or c["kind"] == "prompt_deploy" for c in drill.changes())
    finally:
        live.server.stop()


def test_the_journal_names_who_started_each_fault_and_only_injections_are_drawn_as_such(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "d.sqlite3")
    drill = Drill(load_scenario("onboarding"), log=log, seed=7)
    drill.env.run(until=INJECT_AT_S)
    drill.inject({"type": "latency", "id": "injected", "params": {"ttft_ms": 2000}})
    drill.env.run(until=drill.scenario.duration_s - 1)
    drill.end()
    events = list(log.events(drill.id))
    started = {e.data["fault_id"]: e.actor for e in events if e.kind is EventKind.FAULT_STARTED}
    assert started.pop("injected") == "facilitator"
    assert started and set(started.values()) == {"runner"}, "the scenario's own faults are the runner's"
    bands = score(events, drill.scenario).timeline.fault_bands
    assert sorted((b.label, b.injected) for b in bands) == sorted(
        [("latency", True)] + [(t, False) for t in {e.data["type"] for e in events
                                                   if e.kind is EventKind.FAULT_STARTED and e.actor == "runner"}])
