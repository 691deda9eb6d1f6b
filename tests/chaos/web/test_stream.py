"""The room's event stream: the status and the timeline, and a reconnect that resumes, not repeats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chaos.live import LiveDrill
from tests.chaos.support import onboarding_drill

CONSOLE = {"x-firedrill-console": "1"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path / "d.sqlite3", speed=10,
                          responder_token="join-code", facilitator_token="fac-secret") as drill:
        yield drill


def first_timeline(client: httpx.Client, headers: dict[str, str] | None = None) -> tuple[int, list[dict]]:
    """The id and entries of the first timeline frame the stream sends."""
    with client.stream("GET", "/room/events", headers=headers or {}) as response:
        event_id, event = None, ""
        for line in response.iter_lines():
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "timeline":
                assert event_id is not None, "timeline frames carry the journal seq as their id"
                return event_id, json.loads(line[6:])
    raise AssertionError("no timeline frame")


def test_a_reconnecting_browser_gets_only_what_it_has_not_seen(live: LiveDrill) -> None:
    c = httpx.Client(base_url=live.url, timeout=30)
    c.post("/room/join", json={"code": "join-code", "name": "Ana", "role": "scribe"}, headers=CONSOLE)
    c.post("/drill/note", json={"text": "first"}, headers=CONSOLE)
    seen_id, entries = first_timeline(c)
    assert [e["text"] for e in entries if e["kind"] == "note"] == ["first"]
    assert seen_id == entries[-1]["seq"]
    c.post("/drill/note", json={"text": "second"}, headers=CONSOLE)
    _, after = first_timeline(c, {"last-event-id": str(seen_id)})
    assert [e["text"] for e in after if e["kind"] == "note"] == ["second"]
    assert all(e["seq"] > seen_id for e in after)
    _, garbled = first_timeline(c, {"last-event-id": "not-a-number"})
    assert garbled[0]["seq"] == entries[0]["seq"], "a bad Last-Event-ID starts from the beginning"
