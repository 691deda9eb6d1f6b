"""A live drill at high speed, driven end to end through the CLI against the real server:
page → look → contain → declare → mitigate → end, then scored from the journal."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.live import LiveDrill, start_live_drill
from chaos.loader import load_scenario
from tests.chaos.support import cli, onboarding_drill


def until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path / "d.sqlite3", speed=60,
                          responder_token="resp-token", facilitator_token="fac-token") as drill:
        yield drill


def test_page_look_contain_declare_mitigate_end(live: LiveDrill, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FIREDRILL_URL", live.url)
    monkeypatch.setenv("FIREDRILL_TOKEN", "resp-token")
    monkeypatch.setenv("COLUMNS", "200")
    until(lambda: live.drill.paged_at is not None)
    assert cli("status") == 0 and "quality" in capsys.readouterr().out
    assert cli("fallback", "cached") != 0 and "join the drill first" in capsys.readouterr().err
    assert cli("join", "--name", "ana", "--role", "operations") == 0
    personal = capsys.readouterr().out.split("FIREDRILL_TOKEN=")[1].split()[0]
    monkeypatch.setenv("FIREDRILL_TOKEN", personal)
    assert cli("traces", "--failing", "--limit", "3") == 0
    failing = live.drill.traces(failing=True, limit=1)[0]["trace_id"]
    assert cli("trace", failing) == 0 and "retrieval span" in capsys.readouterr().out
    assert cli("changes") == 0 and "CHG-102" in capsys.readouterr().out
    assert cli("role", "commander") == 0
    assert cli("fallback", "cached") == 0
    assert cli("declare", "--symptom", "wrong-answers", "--cause", "prompt", "--change", "CHG-102",
               "--started", "14:10") == 0
    assert cli("replay", failing, "--prompt", "v1") == 0
    assert cli("prompt", "rollback") == 0
    assert cli("fallback", "off") == 0
    assert cli("note", "rolled back v2") == 0
    capsys.readouterr()
    assert cli("status") == 0 and "PAGE" in capsys.readouterr().out
    assert cli("timeline") == 0
    shared = capsys.readouterr().out
    assert "ana (incident commander)" in shared and "rolled back v2" in shared and "PAGE" in shared
    contained_at = live.drill.now_s()
    until(lambda: live.drill.now_s() > contained_at + 180)  # let the served answers show it held
    assert cli("drill", "end", "--token", "fac-token") == 0
    capsys.readouterr()
    assert cli("fallback", "cached") != 0
    assert "not running" in capsys.readouterr().err

    events = list(live.drill.log.events(live.drill.id))
    mine = [(e.kind, e.data.get("action") or e.data.get("role") or e.data.get("cause")) for e in events
            if e.actor == "ana"]
    assert (EventKind.ACTION, "fallback") in mine and (EventKind.DECLARATION, "prompt") in mine
    assert (EventKind.ACTION, "prompt-rollback") in mine and (EventKind.ROLE, "commander") in mine
    from scorecards import score

    card = score(events, load_scenario("onboarding"))
    assert card.stage("contain").verdict == "pass" and card.stage("characterise").verdict == "pass"


def test_responders_cannot_use_facilitator_controls_or_see_the_answer(live: LiveDrill,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    conn = ["--url", live.url, "--token", "resp-token"]
    assert cli("drill", "reveal", *conn) != 0
    assert "refused the token" in capsys.readouterr().err
    assert cli("drill", "pause", *conn) != 0
    assert cli("fault", "list", *conn) != 0
    assert cli("status", "--url", live.url, "--token", "wrong") != 0
    capsys.readouterr()
    assert cli("drill", "pause", "--url", live.url, "--token", "fac-token") == 0
    assert "drill paused: the clock is stopped" in capsys.readouterr().out
    assert cli("drill", "resume", "--url", live.url, "--token", "fac-token") == 0
    assert "drill resumed" in capsys.readouterr().out
    assert cli("drill", "reveal", "--url", live.url, "--token", "fac-token") == 0
    out = capsys.readouterr().out
    assert "ground truth of onboarding" in out and "cause" in out and "prompt" in out
    assert cli("drill", "reveal", "--json", "--url", live.url, "--token", "fac-token") == 0
    assert json.loads(capsys.readouterr().out)["ground_truth"]["cause"] == "prompt"
    assert cli("drill", "inject", "outage", "--param", "status=502", "--url", live.url, "--token", "fac-token") == 0
    assert "injected" in capsys.readouterr().out
    assert any(f.type == "outage" for f in live.drill.engine.list())
    assert cli("join", "--name", "bo", "--role", "scribe", *conn) == 0
    bo = ["--url", live.url, "--token", capsys.readouterr().out.split("FIREDRILL_TOKEN=")[1].split()[0]]
    assert cli("hint", *bo) == 0 and "points" in capsys.readouterr().out
    assert [e.kind for e in live.drill.log.events(live.drill.id) if e.kind is EventKind.HINT] == [EventKind.HINT]


def test_bad_arguments_are_clear(live: LiveDrill, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("join", "--name", "cy", "--role", "commander", "--url", live.url, "--token", "resp-token") == 0
    conn = ["--url", live.url, "--token", capsys.readouterr().out.split("FIREDRILL_TOKEN=")[1].split()[0]]
    assert cli("join", "--name", "Cy", "--role", "scribe", *conn[:2], "--token", "resp-token") != 0
    assert "already joined" in capsys.readouterr().err
    assert cli("fallback", "pray", *conn) == 2
    assert cli("declare", "--symptom", "sadness", *conn) == 2
    assert cli("topic", "disable", "weather", *conn) != 0
    assert "unknown topic 'weather'" in capsys.readouterr().err
    assert cli("changes", "--since", "soon", *conn) == 2


def test_a_spin_does_not_tell_responders_which_scenario_it_is(tmp_path: Path) -> None:
    import httpx

    scenario = load_scenario("stale-index")
    spin = start_live_drill(scenario, log=EventLog(tmp_path / "d.sqlite3"), speed=60, responder_token="r",
                            facilitator_token="f", masked=True)
    try:
        auth = {"authorization": "Bearer r"}
        seen = httpx.get(f"{spin.url}/drill/status", headers=auth).text + httpx.get(
            f"{spin.url}/drill/briefing", headers=auth).text
        assert spin.drill.id.startswith("spin-")
        assert scenario.id not in seen and scenario.title not in seen and "mystery" in seen
    finally:
        spin.stop()


def test_the_announcement_keeps_each_command_on_one_line_on_a_narrow_terminal(live: LiveDrill) -> None:
    import io

    from rich.console import Console

    from chaos.cli.live import _announce

    out = io.StringIO()
    _announce(Console(file=out, width=60, color_system=None), live, live.drill.scenario, hide_title=False)
    lines = out.getvalue().splitlines()
    for command in ("firedrill join --name YOUR-NAME --role commander|operations|communications|scribe",
                    f"export FIREDRILL_URL={live.url} FIREDRILL_TOKEN={live.responder_token}",
                    "firedrill drill pause|resume|end|reveal|inject --token <facilitator token>",
                    live.facilitator_url):
        assert any(command in line for line in lines), command  # copied from the terminal, it still runs
