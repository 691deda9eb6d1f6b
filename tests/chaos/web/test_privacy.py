"""Nothing the incident room serves a responder carries the ground truth; the facilitator's page does.

A responder joins over HTTP as a browser would (join code in a POST body, cookie back) and reads
everything the console can load while the incident is on: the room, the stream, traces, a
trace, a replay, the change log, the provider status, the debrief (refused until the end).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chaos.live import LiveDrill
from tests.chaos.support import onboarding_drill

CONSOLE = {"x-firedrill-console": "1"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path / "d.sqlite3", speed=200,
                          responder_token="join-code", facilitator_token="fac-secret") as drill:
        yield drill


def secrets_of(live: LiveDrill) -> list[str]:
    truth = live.drill.reveal()
    notes = truth["facilitator_notes"]
    return [
        "fac-secret", "ground_truth", "Ground truth", "true_cause", "red_herrings", "containment", "mitigations",
        "prompt_regression", "fault_started", "wrong-answers-consistent",
        *(s.strip() for s in notes.split(".") if len(s.strip()) > 20),  # every sentence of the facilitator notes
    ]


def read_stream(client: httpx.Client, until_s: float) -> str:
    """The room's event stream until the drill clock passes ``until_s`` (the page comes before)."""
    seen = []
    with client.stream("GET", "/room/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            seen.append(line)
            if line.startswith("data: {") and json.loads(line[6:]).get("t_s", 0) > until_s:
                break
    return "\n".join(seen)


def test_no_page_or_response_served_to_a_responder_holds_the_ground_truth(live: LiveDrill) -> None:
    ana = httpx.Client(base_url=live.url, timeout=30)
    joined = ana.post("/room/join", json={"code": "join-code", "name": "Ana", "role": "operations"}, headers=CONSOLE)
    assert joined.status_code == 200 and "firedrill_token" in joined.cookies
    assert "token" not in joined.json(), "the personal token lives in the HttpOnly cookie only"

    bodies = {"/room": ana.get("/room").text}
    bodies["/room/events"] = read_stream(ana, until_s=live.drill.scenario.ground_truth.started_s + 480)
    assert "PAGE" in bodies["/room/events"], "the stream carried the page"
    for path in ("/room/part/traces?failing=1", "/room/part/traces", "/room/part/changes", "/room/part/provider",
                 "/drill/status", "/drill/briefing", "/drill/timeline", "/drill/traces?failing=true",
                 "/room/static/room.js", "/room/debrief"):
        bodies[path] = ana.get(path).text
    trace_ids = re.findall(r'data-trace="(tr-\d+)"', bodies["/room/part/traces?failing=1"])
    assert trace_ids, "there are failing traces to open"
    bodies["trace"] = ana.get(f"/room/part/traces/{trace_ids[0]}").text
    bodies["replay"] = ana.post("/room/part/replay", json={"trace_id": trace_ids[0], "prompt": "v1"},
                                headers=CONSOLE).text
    assert "Retrieved chunks" in bodies["trace"] and "Replay of" in bodies["replay"]
    assert ana.get("/room/debrief").status_code == 409, "the debrief (with the truth) waits for the end"

    for secret in secrets_of(live):
        leaked = [path for path, body in bodies.items() if secret in body]
        assert not leaked, f"{secret!r} was served to a responder at {leaked}"

    facilitator = httpx.Client(base_url=live.url, timeout=30)
    assert facilitator.post("/room/enter", json={"token": "fac-secret"}, headers=CONSOLE).status_code == 200
    room = facilitator.get("/room").text
    assert "Ground truth" in room and "CHG-102" in room and "grounding instruction" in room


def test_a_join_needs_the_join_code_and_a_write_needs_the_console_header(live: LiveDrill) -> None:
    c = httpx.Client(base_url=live.url)
    assert c.post("/room/join", json={"code": "guess", "name": "Eve", "role": "scribe"}, headers=CONSOLE
                  ).status_code == 403
    assert c.post("/room/join", json={"code": "join-code", "name": "Eve", "role": "scribe"}).status_code == 403
    assert c.post("/room/join", json={"code": "join-code", "name": "Eve", "role": "scribe"}, headers=CONSOLE
                  ).status_code == 200
    assert c.post("/drill/note", json={"text": "forged"}).status_code == 401, "a cookie alone never writes"
    assert c.post("/drill/note", json={"text": "mine"}, headers=CONSOLE).status_code == 200
    last = c.get("/drill/timeline").json()["entries"][-1]
    assert (last["actor"], last["text"]) == ("Eve", "mine")
    watcher = httpx.Client(base_url=live.url)
    assert watcher.post("/room/enter", json={"token": "join-code"}, headers=CONSOLE).status_code == 200
    assert watcher.post("/drill/note", json={"text": "x"}, headers=CONSOLE).status_code == 403
    assert "Join the room" not in watcher.get("/room").text and "watching" in watcher.get("/room").text


def test_the_room_says_when_it_is_waiting_and_when_it_has_ended(live: LiveDrill) -> None:
    c = httpx.Client(base_url=live.url, timeout=60)  # the debrief scores the whole journal: slow on a busy CI box
    assert "Join the incident room" in c.get("/room").text, "no cookie: the join page"
    c.post("/room/enter", json={"token": "join-code"}, headers=CONSOLE)
    httpx.post(f"{live.url}/drill/end", headers={"authorization": "Bearer fac-secret"})
    stream = c.get("/room/events").text  # after the end the stream sends the last state and closes
    assert '"state":"ended"' in stream and "event: end" in stream
    debrief = c.get("/room/debrief")
    assert debrief.status_code == 200 and "<svg" in debrief.text and "Post-mortem draft" in debrief.text
    late = httpx.post(f"{live.url}/room/join", json={"code": "join-code", "name": "Late", "role": "scribe"},
                      headers=CONSOLE)
    assert late.status_code == 409 and "Just watch" in late.json()["error"]["message"], "a late joiner is told how in"


def test_after_the_end_the_team_adds_an_eval_case_and_sees_its_verification(live: LiveDrill) -> None:
    c = httpx.Client(base_url=live.url, timeout=30)
    c.post("/room/join", json={"code": "join-code", "name": "Ana", "role": "scribe"}, headers=CONSOLE)
    early = c.post("/room/eval", json={"question": "How much is Pro?", "expect": "49"}, headers=CONSOLE)
    assert early.status_code == 403, "eval cases wait for the debrief"
    httpx.post(f"{live.url}/drill/end", headers={"authorization": "Bearer fac-secret"})
    added = c.post("/room/eval", json={"question": "How much does the Pro plan cost?", "expect": "$"},
                   headers=CONSOLE)
    assert added.status_code == 200, added.text
    case = added.json()
    assert case["case_id"].endswith("-eval-1") and case["reason"]
    page = c.get("/room/debrief").text
    assert case["case_id"] in page and ("NOT verified" in page) != case["verified"]
    assert "Ana" in page


def test_the_room_s_errors_have_the_control_api_s_shape_and_status(live: LiveDrill) -> None:
    stranger, watcher, ana = (httpx.Client(base_url=live.url) for _ in range(3))
    watcher.post("/room/enter", json={"token": "join-code"}, headers=CONSOLE)
    ana.post("/room/join", json={"code": "join-code", "name": "Ana", "role": "operations"}, headers=CONSOLE)
    answers = {
        "no cookie": stranger.get("/room/part/changes"),
        "a guessed code": stranger.post("/room/join", json={"code": "guess", "name": "Eve", "role": "scribe"},
                                        headers=CONSOLE),
        "watching only": watcher.post("/room/part/replay", json={"trace_id": "x"}, headers=CONSOLE),
        "not JSON": ana.post("/room/part/replay", content=b"{", headers=CONSOLE),
        "a missing field": ana.post("/room/part/replay", json={}, headers=CONSOLE),
        "an unknown trace": ana.get("/room/part/traces/tr-nope"),
        "a name taken": stranger.post("/room/join", json={"code": "join-code", "name": "ana", "role": "scribe"},
                                      headers=CONSOLE),
    }
    assert {why: r.status_code for why, r in answers.items()} == {
        "no cookie": 401, "a guessed code": 403, "watching only": 403, "not JSON": 400, "a missing field": 400,
        "an unknown trace": 404, "a name taken": 400}
    for why, r in answers.items():
        error = r.json()["error"]
        assert set(error) == {"type", "message"} and error["message"], why
    assert answers["no cookie"].json()["error"]["type"] == "unauthorized"
    assert answers["watching only"].json()["error"]["type"] == "forbidden"


def test_the_room_s_pages_run_only_their_own_scripts_and_cannot_be_framed(live: LiveDrill) -> None:
    for path in ("/room", "/room/debrief"):
        csp = httpx.get(f"{live.url}{path}").headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
