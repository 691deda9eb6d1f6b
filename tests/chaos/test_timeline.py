"""The shared incident timeline: the room's events by person, never the ground truth."""

from __future__ import annotations

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import load_scenario
from chaos.roster import Role
from chaos.taxonomy import Action
from chaos.timeline import entries


def drilled() -> tuple[EventLog, str]:
    log = EventLog(":memory:", durable=False)
    drill = Drill(load_scenario("onboarding"), log=log)
    drill.env.run(until=900)
    drill.role("ana", Role.COMMANDER)
    drill.act("ana", Action.FALLBACK, "cached")
    drill.declare("ana", symptom="wrong-answers", cause="prompt", change_id="CHG-102", started_s=600)
    drill.note("bo", "customers told")
    drill.end()
    return log, drill.id


def test_the_room_sees_page_alerts_changes_and_what_each_person_did() -> None:
    log, drill_id = drilled()
    lines = [(e["time"], e["actor"], e["text"]) for e in entries(log.events(drill_id))]
    kinds = [e["kind"] for e in entries(log.events(drill_id))]
    assert kinds.count("page") == 1 and "alert_fired" in kinds and kinds[-1] == "drill_ended"
    assert ("14:15", "ana", "is incident commander") in lines
    assert ("14:15", "ana", "fallback cached") in lines
    assert ("14:15", "ana", "declared symptom wrong-answers, cause prompt, change CHG-102, started 14:10") in lines
    assert ("14:15", "bo", "customers told") in lines
    assert any(text.startswith("change CHG-102 (prompt_deploy)") for _, _, text in lines)
    assert not any("fallback" in text and text.startswith("change") for _, _, text in lines), "no echo of actions"


def test_responders_never_get_ground_truth_and_the_facilitator_sees_the_faults() -> None:
    log, drill_id = drilled()
    room = repr(entries(log.events(drill_id)))
    assert "true_cause" not in room and "fault" not in room
    facilitator = entries(log.events(drill_id), facilitator=True)
    assert any(e["kind"] == "fault_started" and "prompt_regression" in e["text"] for e in facilitator)


def test_the_journal_is_followed_from_any_seq() -> None:
    log, drill_id = drilled()
    page = log.since(drill_id, 0, [EventKind.PAGE])
    assert [e.kind for e in page] == [EventKind.PAGE]
    after = log.since(drill_id, page[0].seq, [EventKind.NOTE, EventKind.DRILL_ENDED])
    assert [e.kind for e in after] == [EventKind.NOTE, EventKind.DRILL_ENDED]
    assert log.since(drill_id, after[-1].seq) == []
