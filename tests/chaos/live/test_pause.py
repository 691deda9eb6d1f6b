"""Pause and resume in a live drill: the drill time stops, then runs on at the drill's speed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chaos.events import EventKind
from chaos.live import LiveDrill
from tests.chaos.support import onboarding_drill


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path / "d.sqlite3", speed=60,
                          responder_token="resp-token", facilitator_token="fac-token") as drill:
        yield drill


def test_after_a_pause_the_drill_runs_at_its_speed_again(live: LiveDrill) -> None:
    fac = {"authorization": "Bearer fac-token"}
    resp = {"authorization": "Bearer resp-token"}
    time.sleep(1.0)
    assert httpx.post(f"{live.url}/drill/pause", headers=fac).json()["state"] == "paused"
    paused = httpx.get(f"{live.url}/drill/status", headers=resp).json()
    assert paused["state"] == "paused"
    time.sleep(1.0)
    assert httpx.get(f"{live.url}/drill/status", headers=resp).json()["t_s"] == pytest.approx(paused["t_s"], abs=1)
    assert httpx.post(f"{live.url}/drill/resume", headers=fac).json()["state"] == "running"
    wall0, drill0 = time.monotonic(), live.drill.now_s()
    time.sleep(5.0)
    wall1, drill1 = time.monotonic(), live.drill.now_s()
    rate = (drill1 - drill0) / (wall1 - wall0)
    assert rate == pytest.approx(60, rel=0.05), f"the drill ran at {rate:.1f}x after the resume"
    kinds = [e.kind for e in live.drill.log.events(live.drill.id)]
    assert kinds.count(EventKind.DRILL_PAUSED) == 1 and kinds.count(EventKind.DRILL_RESUMED) == 1


def test_responders_see_the_end(live: LiveDrill) -> None:
    httpx.post(f"{live.url}/drill/end", headers={"authorization": "Bearer fac-token"})
    status = httpx.get(f"{live.url}/drill/status", headers={"authorization": "Bearer resp-token"}).json()
    assert status["state"] == "ended"
