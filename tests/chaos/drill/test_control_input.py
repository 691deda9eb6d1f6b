"""Control input is bounded and validated, hints are handed out atomically, and the ground truth
stays out of responders' reach (the feature, the reports, a spin)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chaos.drill import Drill
from chaos.errors import DrillError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.live import LiveDrill, serve_drill
from chaos.loader import load_scenario
from chaos.taxonomy import Action
from tests.chaos.support import cli

FAC = {"authorization": "Bearer fac-token"}


@pytest.fixture
def room(tmp_path: Path) -> Iterator[LiveDrill]:
    drill = Drill(load_scenario("onboarding"), log=EventLog(tmp_path / "drills"), facilitator_token="fac-token")
    live = serve_drill(drill, responder_token="join", facilitator_token="fac-token")
    drill.env.run(until=900)
    yield live
    live.server.stop()


def member(live: LiveDrill, name: str = "ana") -> dict[str, str]:
    r = httpx.post(f"{live.url}/drill/join", json={"name": name, "role": "operations"},
                   headers={"authorization": "Bearer join"})
    return {"authorization": f"Bearer {r.json()['token']}"}



def test_notes_and_bodies_are_bounded(room: LiveDrill) -> None:
    me = member(room)
    assert httpx.post(f"{room.url}/drill/note", json={"text": "x" * 2001}, headers=me).status_code == 413
    huge = httpx.post(f"{room.url}/drill/note", content=b'{"text": "' + b"x" * 5_000_000 + b'"}', headers=me)
    assert huge.status_code == 413 and huge.json()["error"]["type"] == "input_too_large"
    assert httpx.post(f"{room.url}/drill/note", json={"text": "short"}, headers=me).status_code == 200


def test_a_declared_start_is_a_real_time_and_a_change_is_a_real_change(room: LiveDrill) -> None:
    me = member(room)
    bad_time = httpx.post(f"{room.url}/drill/declare", json={"started": "99:99"}, headers=me)
    assert bad_time.status_code == 400 and "HH:MM" in bad_time.json()["error"]["message"]
    bad_change = httpx.post(f"{room.url}/drill/declare", json={"change_id": "CHG-999"}, headers=me)
    assert bad_change.status_code == 400 and "CHG-999" in bad_change.json()["error"]["message"]
    assert "known" in bad_change.json()["error"]["message"]
    good = httpx.post(f"{room.url}/drill/declare", json={"started": "14:10", "change_id": "CHG-102"}, headers=me)
    assert good.status_code == 200 and good.json()["declared"]["started_s"] == 600


def test_nan_in_a_fault_is_refused_and_the_audit_keeps_answering(room: LiveDrill) -> None:
    for value in ("NaN", "Infinity", "1e999"):
        body = '{"type": "latency", "params": {"ttft_ms": ' + value + '}}'
        r = httpx.post(f"{room.url}/admin/faults", content=body, headers={**FAC, "content-type": "application/json"})
        assert r.status_code == 400, r.text
    assert httpx.get(f"{room.url}/admin/audit", headers=FAC).status_code == 200


def test_concurrent_hint_requests_get_distinct_hints_charged_once_each(room: LiveDrill) -> None:
    people = [member(room, name) for name in ("ana", "bo", "cy", "di")]
    got: list[dict[str, object]] = []
    barrier = threading.Barrier(len(people))

    def ask(headers: dict[str, str]) -> None:
        barrier.wait()
        got.append(httpx.post(f"{room.url}/drill/hint", headers=headers).json())

    threads = [threading.Thread(target=ask, args=(h,)) for h in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    given = sorted(int(g["index"]) for g in got if g.get("hint"))  # type: ignore[call-overload]
    assert given == [1, 2, 3] and sum(1 for g in got if g.get("hint") is None) == 1
    hints = [e for e in room.drill.log.events(room.drill.id) if e.kind is EventKind.HINT]
    assert sorted(e.data["index"] for e in hints) == [0, 1, 2]
    assert sum(e.data["cost"] for e in hints) == sum(h.cost for h in room.drill.scenario.hints)


def test_the_feature_answers_drill_token_holders_only_and_json_only(room: LiveDrill) -> None:
    url = f"{room.url}/v1/assistant/ask"
    assert httpx.post(url, json={"question": "How much is Pro?"}).status_code == 401
    plain = httpx.post(url, content="How much is Pro?", headers={"authorization": "Bearer join",
                                                                  "content-type": "text/plain"})
    assert plain.status_code == 415
    assert httpx.post(url, json={"question": "How much is Pro?"}, headers={"authorization": "Bearer join"}).is_success


def test_reports_of_a_running_drill_need_the_facilitator_token(room: LiveDrill, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = str(room.drill.log.path)
    monkeypatch.delenv("FIREDRILL_ADMIN_TOKEN", raising=False)
    for command in ("score", "postmortem"):
        assert cli(command, room.drill.id, "--db", db) != 0
        assert "facilitator token" in capsys.readouterr().err
        assert cli(command, room.drill.id, "--db", db, "--token", "wrong") != 0
        capsys.readouterr()
    assert cli("score", room.drill.id, "--db", db, "--token", "fac-token", "--format", "json") == 0
    case = ("--question", "How much is the Pro plan?", "--expect", "$49")
    for command, args in ((("eval", "add"), case), (("eval", "verify"), ()), (("eval", "rm"), ("case-1",))):
        assert cli(*command, room.drill.id, *args, "--db", db) != 0
        assert "still running" in capsys.readouterr().err  # the post-mortem's work waits for the end
    with pytest.raises(DrillError, match="still running in another firedrill process"):
        EventLog(room.drill.log.path).append(room.drill.id, 0.0, EventKind.NOTE, "mallory", {"text": "x"})
    room.drill.end()  # the runner's own commits were never disturbed
    assert cli("eval", "add", room.drill.id, *case, "--db", db) == 0
    capsys.readouterr()
    assert cli("score", room.drill.id, "--db", db, "--format", "json") == 0  # after the end, anyone


def test_replay_goes_through_the_live_model_whatever_the_fallback(room: LiveDrill) -> None:
    drill = room.drill
    trace_id = drill.traces(limit=1)[0]["trace_id"]
    drill.act("ana", Action.FALLBACK, "cached")
    drill.act("ana", Action.FEATURE_OFF)
    replayed = drill.replay("ana", trace_id, prompt="v1")
    assert replayed["status"] not in ("cached", "disabled", "unavailable")
    assert replayed["attributes"]["firedrill.prompt.version"] == "v1"
    assert replayed["attributes"]["firedrill.fallback"] in (None, "off")


def test_a_spin_names_neither_its_scenario_nor_its_length(tmp_path: Path) -> None:
    drill = Drill(load_scenario("stale-index"), log=EventLog(tmp_path / "drills"), drill_id="spin-abc123",
                  masked=True)
    live = serve_drill(drill, responder_token="join", facilitator_token="fac-token")
    try:
        drill.env.run(until=900)
        seen = repr([httpx.get(f"{live.url}/drill/{path}", headers={"authorization": "Bearer join"}).json()
                     for path in ("briefing", "status")])
        scenario = drill.scenario
        for secret in (scenario.id, scenario.title, f"'duration_min': {scenario.duration_min}"):
            assert secret not in seen
    finally:
        live.server.stop()
