"""The incident room's roster: a personal token per person, every write attributed to its holder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chaos.errors import DrillError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.live import LiveDrill, start_live_drill
from chaos.loader import load_scenario
from chaos.roster import Role, Roster, Standing


def test_a_joined_member_is_identified_by_their_personal_token_only() -> None:
    journal: list[tuple[str, Role]] = []
    roster = Roster(join_code="team", facilitator_token="fac", on_role=lambda n, r, _hash: journal.append((n, r)))
    ana = roster.join("  Ana   Lima ", "commander")
    assert ana.name == "Ana Lima" and ana.token not in ("team", "fac")
    assert roster.identify(ana.token).name == "Ana Lima"
    assert roster.identify(ana.token).standing is Standing.MEMBER
    assert roster.identify("team").standing is Standing.OBSERVER and not roster.identify("team").can_act
    assert roster.identify("fac").is_facilitator
    assert roster.identify("nobody") is None and roster.identify("") is None
    roster.set_role("ana lima", Role.SCRIBE)
    assert journal == [("Ana Lima", Role.COMMANDER), ("Ana Lima", Role.SCRIBE)]
    assert roster.members() == [{"name": "Ana Lima", "role": "scribe", "title": "scribe"}]


@pytest.mark.parametrize(("name", "role", "says"), [
    ("", "scribe", "1 to 32 characters"),
    ("<script>", "scribe", "1 to 32 characters"),
    ("Facilitator", "scribe", "reserved"),
    ("Bo", "janitor", "unknown role 'janitor'; choose one of commander, operations, communications, scribe"),
])
def test_bad_joins_are_refused_with_the_reason(name: str, role: str, says: str) -> None:
    with pytest.raises(DrillError, match=says):
        Roster(join_code="t", facilitator_token="f").join(name, role)


def test_a_name_is_taken_once_whatever_its_case() -> None:
    roster = Roster(join_code="t", facilitator_token="f")
    roster.join("Bo", "operations")
    with pytest.raises(DrillError, match="already joined"):
        roster.join("bo", "scribe")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDrill]:
    path: Path = tmp_path_factory.mktemp("roster") / "d.sqlite3"
    drill = start_live_drill(load_scenario("onboarding"), log=EventLog(path), speed=30,
                             responder_token="team-code", facilitator_token="fac-token")
    yield drill
    drill.stop()


def _post(live: LiveDrill, path: str, token: str, body: dict[str, object], **headers: str) -> httpx.Response:
    return httpx.post(f"{live.url}{path}", json=body, headers={"authorization": f"Bearer {token}", **headers})


def test_over_http_the_join_code_watches_and_the_personal_token_acts_under_its_name(live: LiveDrill) -> None:
    assert _post(live, "/drill/note", "team-code", {"text": "hi"}).status_code == 403
    joined = _post(live, "/drill/join", "team-code", {"name": "Cy", "role": "communications"}).json()
    token = joined["token"]
    assert _post(live, "/drill/note", token, {"text": "customers told"}).status_code == 200
    assert _post(live, "/drill/join", "team-code", {"name": "cy", "role": "scribe"}).status_code == 400
    who = httpx.get(f"{live.url}/drill/whoami", headers={"authorization": f"Bearer {token}"}).json()
    assert who == {"name": "Cy", "standing": "member", "role": "communications"}
    roster = httpx.get(f"{live.url}/drill/roster", headers={"authorization": "Bearer team-code"}).text
    assert "Cy" in roster and token not in roster
    events = [(e.kind, e.actor, e.data) for e in live.drill.log.events(live.drill.id)]
    assert (EventKind.ROLE, "Cy", {"role": "communications"}) in events
    assert (EventKind.NOTE, "Cy", {"text": "customers told"}) in events


def test_a_cookie_alone_never_authorises_a_write(live: LiveDrill) -> None:
    token = _post(live, "/drill/join", "team-code", {"name": "Dee", "role": "scribe"}).json()["token"]
    cookies = {"firedrill_token": token}
    with httpx.Client(base_url=live.url, cookies=cookies) as client:
        assert client.get("/drill/whoami").json()["name"] == "Dee"
        assert client.post("/drill/note", json={"text": "forged"}).status_code == 401
        ok = client.post("/drill/note", json={"text": "from the console"}, headers={"x-firedrill-console": "1"})
        assert ok.status_code == 200


def test_the_facilitator_acts_as_facilitator_and_takes_no_role(live: LiveDrill) -> None:
    assert _post(live, "/drill/note", "fac-token", {"text": "watch the canary"}).status_code == 200
    assert "takes no incident role" in _post(live, "/drill/role", "fac-token", {"role": "scribe"}).text
    notes = [e.actor for e in live.drill.log.events(live.drill.id) if e.data.get("text") == "watch the canary"]
    assert notes == ["facilitator"]
