"""The journal: one private file per drill, the scenario as drilled inside it, damage named in one
line without blocking other drills, interrupted drills known as such."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from chaos.drill import Drill
from chaos.eventlog import EventLog, JournalDamagedError
from chaos.events import EventKind
from chaos.loader import SCENARIO_DIR, load_scenario


def simulated(log: EventLog, scenario: str = "stale-index") -> str:
    return Drill(load_scenario(scenario), log=log).run()


def test_each_drill_has_its_own_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "drills"
    log = EventLog(home)
    first, second = simulated(log), simulated(log)
    assert first != second
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for drill_id in (first, second):
        assert stat.S_IMODE((home / f"{drill_id}.sqlite3").stat().st_mode) == 0o600
    assert {d.id for d in EventLog(home).drills()} == {first, second}


def test_a_damaged_journal_is_named_in_one_line_and_blocks_no_other_drill(tmp_path: Path) -> None:
    home = tmp_path / "drills"
    log = EventLog(home)
    good = simulated(log)
    bad = simulated(log)
    log.close()
    (home / f"{bad}.sqlite3").write_bytes(b"this is not a journal" * 100)
    reader = EventLog(home)
    assert [d.id for d in reader.drills()] == [good]
    [line] = reader.damage
    assert f"{bad}.sqlite3" in line and "\n" not in line
    with pytest.raises(JournalDamagedError, match=f"{bad}.sqlite3"):
        reader.drill(bad)
    assert simulated(reader) not in (good, bad)  # new drills still start


def test_the_journal_keeps_the_scenario_as_drilled(tmp_path: Path) -> None:
    """A file-loaded scenario that reuses a bundled id is re-read from its journal, not the bundle."""
    doc = yaml.safe_load((SCENARIO_DIR / "stale-index.yaml").read_text())
    doc["title"] = "our own stale index"
    doc["ground_truth"]["started_min"] = doc["ground_truth"]["started_min"] + 1
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(doc))
    log = EventLog(tmp_path / "drills")
    drill_id = Drill(load_scenario(path), log=log).run()
    path.unlink()  # the file is gone: reports still work from the journal
    again = EventLog(tmp_path / "drills").scenario(drill_id)
    assert again.title == "our own stale index"
    assert again.ground_truth.started_min == doc["ground_truth"]["started_min"]
    assert EventLog(tmp_path / "drills").drill(drill_id).scenario_hash


def test_a_drill_whose_runner_died_reads_as_interrupted_and_can_be_marked(tmp_path: Path) -> None:
    home = tmp_path / "drills"
    script = textwrap.dedent(f"""
        import os, signal
        from chaos.eventlog import EventLog
        from chaos.events import EventKind
        log = EventLog({str(home)!r})
        drill_id = log.create_drill("s", seed=1, mode="live")
        log.append(drill_id, 5.0, EventKind.NOTE, "ana", {{"text": "hello"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    log = EventLog(home)
    assert log.drill("s-1").interrupted
    record = log.mark_interrupted("s-1")
    assert record.status == "interrupted"
    last = list(log.events("s-1"))[-1]
    assert (last.kind, last.data["interrupted"], last.t_s) == (EventKind.DRILL_ENDED, True, 5.0)


def test_a_missing_write_ahead_log_is_named_not_silent(tmp_path: Path) -> None:
    home = tmp_path / "drills"
    script = textwrap.dedent(f"""
        import os, signal
        from chaos.eventlog import EventLog
        from chaos.events import EventKind
        log = EventLog({str(home)!r})
        drill_id = log.create_drill("s", seed=1, mode="live")
        for i in range(50):
            log.append(drill_id, float(i), EventKind.NOTE, "ana", {{"text": str(i)}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    os.remove(home / "s-1.sqlite3-wal")
    log = EventLog(home)
    try:
        log.drill("s-1")
    except JournalDamagedError as exc:
        assert "s-1.sqlite3" in str(exc) and "write-ahead log" in str(exc)
    else:
        assert any("write-ahead log" in line and "s-1.sqlite3" in line for line in log.damage)
