"""Simulated drills: deterministic journals, every scenario playable, the runbook does its job."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import SCENARIO_DIR, load_scenario
from chaos.playbook import load_playbook
from chaos.summary import drill_summary
from chaos.taxonomy import Action, action_key


def simulate(scenario_id: str, playbook: str = "runbook", seed: int | None = None) -> tuple[EventLog, str]:
    log = EventLog(":memory:", durable=False)
    drill = Drill(load_scenario(scenario_id), log=log, seed=seed, responder=load_playbook(playbook).responder())
    return log, drill.run()


def journal(log: EventLog, drill_id: str) -> list[tuple[object, ...]]:
    return [(e.seq, e.t_s, e.kind, e.actor, e.data) for e in log.events(drill_id)]


def test_same_scenario_seed_and_playbook_give_an_identical_event_log() -> None:
    a = journal(*simulate("prompt-regression"))
    b = journal(*simulate("prompt-regression"))
    assert a == b and len(a) > 1000
    c = journal(*simulate("prompt-regression", seed=999))
    assert a != c


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
def test_every_scenario_simulates_and_the_runbook_contains_characterises_and_mitigates(scenario_id: str) -> None:
    log, drill_id = simulate(scenario_id)
    summary = drill_summary(log, drill_id, load_scenario(scenario_id))
    kinds = {e.kind for e in log.events(drill_id)}
    assert {EventKind.DRILL_STARTED, EventKind.PAGE, EventKind.REQUEST, EventKind.DRILL_ENDED} <= kinds
    stages = summary["stages"]
    assert stages["contain"]["at_min"] is not None
    assert stages["characterise"]["at_min"] is not None, "the runbook diagnosed the wrong row"
    # the runbook applies a mitigation the scenario accepts; whether the feature then stayed live at baseline
    # quality for five minutes is the scorer's call (tests/scorecards/test_ranking.py holds responders of known
    # quality to it); the runbook does not always (a second fault, or re-containing on a lagging alert)
    scenario = load_scenario(scenario_id)
    done = {action_key(e.data["action"], e.data.get("arg")) for e in log.events(drill_id)
            if e.kind is EventKind.ACTION and e.data.get("ok", True)}
    assert done & set(scenario.ground_truth.mitigations)


def test_idle_playbook_does_nothing() -> None:
    log, drill_id = simulate("provider-outage", playbook="idle")
    assert not [e for e in log.events(drill_id) if e.kind in (EventKind.ACTION, EventKind.DECLARATION)]


def test_the_page_follows_the_first_alert_after_the_incident_starts() -> None:
    log, drill_id = simulate("provider-outage", playbook="idle")
    events = list(log.events(drill_id))
    page = next(e for e in events if e.kind is EventKind.PAGE)
    fired = next(e for e in events if e.kind is EventKind.ALERT_FIRED and e.t_s >= 600 - 60)
    assert page.t_s == fired.t_s >= 600 and page.data["alert"] == "error_rate"


def test_responder_views_never_carry_ground_truth() -> None:
    log = EventLog(":memory:", durable=False)
    drill = Drill(load_scenario("stale-index"), log=log)
    while drill.now_s() < 900:
        drill.env.step()
    text = repr(
        [drill.status(), drill.traces(limit=50), drill.changes(), drill.trace(drill.traces(limit=1)[0]["trace_id"])]
    )
    for secret in ("'bad'", "'correct'", "true_cause", "ground_truth", "fixed_by"):
        assert secret not in text


def test_actions_are_validated_and_recorded() -> None:
    from chaos.errors import DrillError

    log = EventLog(":memory:", durable=False)
    drill = Drill(load_scenario("stale-index"), log=log)
    drill.env.run(until=700)
    assert drill.act("alice", Action.FALLBACK, "cached")["message"] == "fallback cached"
    with pytest.raises(DrillError, match="choose one of"):
        drill.act("alice", Action.FALLBACK, "pray")
    with pytest.raises(DrillError, match="unknown symptom"):
        drill.declare("alice", symptom="sad")
    drill.declare("alice", symptom="stale-information", cause="index")
    drill.end()
    with pytest.raises(DrillError, match="not running"):
        drill.note("alice", "too late")
    actions = [e for e in log.events(drill.id) if e.actor == "alice"]
    assert [e.kind for e in actions] == [EventKind.ACTION, EventKind.ACTION, EventKind.DECLARATION]
    assert [e.data.get("ok") for e in actions[:2]] == [True, False], "a failed control is journaled too"


def test_kill_9_loses_no_acknowledged_event(tmp_path: Path) -> None:
    db = tmp_path / "drills.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from chaos.eventlog import EventLog
        from chaos.events import EventKind
        log = EventLog({str(db)!r})
        drill_id = log.create_drill("s", seed=1, mode="live")
        for i in range(200):
            log.append(drill_id, float(i), EventKind.NOTE, "alice", {{"text": f"note {{i}}"}})
            print(i, flush=True)  # acknowledged
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9
    acknowledged = len(proc.stdout.split())
    events = list(EventLog(db).events("s-1"))
    assert acknowledged == 200 and len(events) == 200
    assert events[-1].data == {"text": "note 199"}


def test_the_trace_explorer_filters_before_it_limits() -> None:
    drill = Drill(load_scenario("onboarding"), log=EventLog(":memory:", durable=False))
    drill.env.run(until=900)
    enterprise = drill.traces(segment="enterprise", limit=5)
    assert len(enterprise) == 5 and {t["segment"] for t in enterprise} == {"enterprise"}
    v2_pricing = drill.traces(prompt="v2", topic="pricing", limit=500)
    assert v2_pricing and all(t["topic"] == "pricing" and t["attributes"]["firedrill.prompt.version"] == "v2"
                              for t in v2_pricing)
    assert drill.traces(model="no-such-model") == []
    newest = drill.traces(limit=3)
    assert [t["t_s"] for t in newest] == sorted((t["t_s"] for t in newest), reverse=True)
