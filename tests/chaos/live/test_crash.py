"""A live drill killed with SIGKILL loses no acknowledged event, and then resumes from its journal
(with its roster: everyone's token still works) or is marked interrupted."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.live import start_live_drill

RUNNER = textwrap.dedent("""
    import sys, threading
    from chaos.eventlog import EventLog
    from chaos.live import start_live_drill
    from chaos.loader import load_scenario
    live = start_live_drill(load_scenario("onboarding"), log=EventLog(sys.argv[1]), speed=60,
                            responder_token="join", facilitator_token="fac")
    print(live.url, live.drill.id, flush=True)
    threading.Event().wait()
""")


def killed_mid_drill(home: Path, notes_before_kill: int) -> tuple[str, list[str], str]:
    """A runner in its own process, a member posting notes, then SIGKILL: (drill, acknowledged notes, token)."""
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(home)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url, drill_id = proc.stdout.readline().split()
    token = httpx.post(f"{url}/drill/join", json={"name": "ana", "role": "scribe"},
                       headers={"authorization": "Bearer join"}).json()["token"]
    acked: list[str] = []
    done = threading.Event()

    def write() -> None:
        with httpx.Client(headers={"authorization": f"Bearer {token}"}, timeout=5) as client:
            i = 0
            while not done.is_set():
                try:
                    r = client.post(f"{url}/drill/note", json={"text": f"note {i}"})
                except httpx.HTTPError:
                    return  # the runner is gone: this one was never acknowledged
                if r.status_code == 200:
                    acked.append(f"note {i}")
                i += 1

    writer = threading.Thread(target=write)
    writer.start()
    while len(acked) < notes_before_kill:
        time.sleep(0.001)
    proc.kill()  # SIGKILL, while the writer keeps posting
    proc.wait()
    done.set()
    writer.join()
    return drill_id, acked, token


@pytest.mark.parametrize("trial", [1, 3, 8, 13, 20, 34, 47, 61, 88, 120])
def test_kill_9_loses_no_acknowledged_event_and_the_drill_resumes(tmp_path: Path, trial: int) -> None:
    home = tmp_path / "drills"
    drill_id, acked, _ = killed_mid_drill(home, trial)
    log = EventLog(home)
    assert log.drill(drill_id).interrupted
    events = list(log.events(drill_id))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    noted = {e.data["text"] for e in events if e.kind is EventKind.NOTE}
    assert set(acked) <= noted
    last_s = events[-1].t_s
    if trial % 2:  # resume: the state is rebuilt from the journal and the drill carries on from where it was
        drill = Drill(log.scenario(drill_id), log=log, mode="live", resume=drill_id)
        drill.note("ana", "back")
        drill.end()
        after = list(log.events(drill_id))
        assert after[:len(events)] == events  # nothing rewritten
        assert drill.now_s() >= int(last_s)  # requests carry exact times inside the one-second step that made them
        assert drill.paged_at == next((e.t_s for e in after if e.kind is EventKind.PAGE), None)
        resumed = next(e for e in after if e.kind is EventKind.DRILL_RESUMED)
        assert resumed.seq > len(events) and after[-1].kind is EventKind.DRILL_ENDED
        assert log.drill(drill_id).status == "ended"
    else:
        assert log.mark_interrupted(drill_id).status == "interrupted"
        assert list(log.events(drill_id))[-1].data == {"reason": "interrupted", "interrupted": True}


def test_a_resumed_drill_keeps_everyone_s_token_and_takes_the_new_facilitator_token(tmp_path: Path) -> None:
    home = tmp_path / "drills"
    drill_id, _, ana = killed_mid_drill(home, 5)
    log = EventLog(home)
    live = start_live_drill(log.scenario(drill_id), log=log, resume=drill_id, responder_token="join-2",
                            facilitator_token="fac-2")
    try:
        as_ana = {"authorization": f"Bearer {ana}"}
        assert httpx.post(f"{live.url}/drill/note", json={"text": "still here"}, headers=as_ana).status_code == 200
        assert httpx.post(f"{live.url}/drill/join", json={"name": "ana", "role": "scribe"},
                          headers={"authorization": "Bearer join-2"}).status_code == 400  # nobody joins as her
        assert live.roster.members() == [{"name": "ana", "role": "scribe", "title": "scribe"}]
        assert log.is_facilitator(drill_id, "fac-2") and not log.is_facilitator(drill_id, "fac")
    finally:
        live.stop()
    notes = [e for e in log.events(drill_id) if e.kind is EventKind.NOTE and e.data["text"] == "still here"]
    assert [e.actor for e in notes] == ["ana"]
