"""The drill journal: one append-only event log per drill, durable in SQLite.

Every append is committed before it returns (WAL, synchronous=FULL), so an event acknowledged to
a responder survives a ``kill -9`` of the runner and the drill can still be scored. Reading
streams rows, so a million-event drill is never held in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaos.errors import DrillError
from chaos.events import Event, EventKind

SCHEMA = """
CREATE TABLE IF NOT EXISTS drills (
    id TEXT PRIMARY KEY, scenario_id TEXT NOT NULL, seed INTEGER NOT NULL, team TEXT, mode TEXT NOT NULL,
    created_wall TEXT NOT NULL, ended_wall TEXT, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    drill_id TEXT NOT NULL, seq INTEGER NOT NULL, t_s REAL NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
    data TEXT NOT NULL, wall TEXT NOT NULL, PRIMARY KEY (drill_id, seq)
);
"""


def default_path() -> Path:
    return Path(os.environ.get("FIREDRILL_HOME", ".firedrill")) / "firedrill.sqlite3"


@dataclass(frozen=True)
class DrillRecord:
    id: str
    scenario_id: str
    seed: int
    team: str | None
    mode: str
    created_wall: str
    ended_wall: str | None
    status: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class EventLog:
    def __init__(self, path: Path | str | None = None, *, durable: bool = True) -> None:
        self.path = Path(path) if path is not None else default_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._seq: dict[str, int] = {}

    def close(self) -> None:
        self._db.close()

    def create_drill(self, scenario_id: str, *, seed: int, mode: str, team: str | None = None,
                     drill_id: str | None = None) -> str:
        with self._lock:
            if drill_id is None:
                n = self._db.execute("SELECT COUNT(*) FROM drills WHERE scenario_id = ?", (scenario_id,)).fetchone()[0]
                drill_id = f"{scenario_id}-{n + 1}"
                while self._db.execute("SELECT 1 FROM drills WHERE id = ?", (drill_id,)).fetchone():
                    n += 1
                    drill_id = f"{scenario_id}-{n + 1}"
            self._db.execute("INSERT INTO drills VALUES (?, ?, ?, ?, ?, ?, NULL, 'running')",
                             (drill_id, scenario_id, seed, team, mode, _now()))
            self._seq[drill_id] = 0
        return drill_id

    def append(self, drill_id: str, t_s: float, kind: EventKind, actor: str, data: dict[str, Any]) -> Event:
        """Write one event; it is on disk when this returns."""
        wall = _now()
        payload = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        with self._lock:
            seq = self._seq.get(drill_id)
            if seq is None:
                row = self._db.execute("SELECT MAX(seq) FROM events WHERE drill_id = ?", (drill_id,)).fetchone()
                seq = row[0] or 0
            seq += 1
            self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (drill_id, seq, round(t_s, 6), kind.value, actor, payload, wall))
            self._seq[drill_id] = seq
        return Event(round(t_s, 6), kind, actor, data, seq, wall)

    def append_many(self, drill_id: str, rows: list[tuple[float, EventKind, str, dict[str, Any]]]) -> None:
        """Many events in one transaction: what a simulated drill writes between clock steps."""
        wall = _now()
        with self._lock:
            seq = self._seq.get(drill_id, 0)
            batch = []
            for t_s, kind, actor, data in rows:
                seq += 1
                batch.append((drill_id, seq, round(t_s, 6), kind.value, actor,
                              json.dumps(data, sort_keys=True, separators=(",", ":"), default=str), wall))
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
            self._db.execute("COMMIT")
            self._seq[drill_id] = seq

    def events(self, drill_id: str) -> Iterator[Event]:
        self.drill(drill_id)
        cursor = self._db.cursor()
        cursor.execute("SELECT t_s, kind, actor, data, seq, wall FROM events WHERE drill_id = ? ORDER BY seq",
                       (drill_id,))
        while rows := cursor.fetchmany(5000):
            for t_s, kind, actor, data, seq, wall in rows:
                yield Event(t_s, EventKind(kind), actor, json.loads(data), seq, wall)

    def since(self, drill_id: str, after_seq: int, kinds: Collection[EventKind] | None = None, *,
              limit: int = 1000) -> list[Event]:
        """The next events after ``after_seq`` (of ``kinds``, if given): how watchers follow a live drill.

        Safe while the drill is writing; reads in order of ``seq`` and at most ``limit`` rows.
        """
        where = "drill_id = ? AND seq > ?"
        args: list[Any] = [drill_id, after_seq]
        if kinds is not None:
            where += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args += [k.value for k in kinds]
        with self._lock:
            rows = self._db.execute(f"SELECT t_s, kind, actor, data, seq, wall FROM events WHERE {where} "
                                    "ORDER BY seq LIMIT ?", (*args, limit)).fetchall()
        return [Event(t_s, EventKind(kind), actor, json.loads(data), seq, wall)
                for t_s, kind, actor, data, seq, wall in rows]

    def drill(self, drill_id: str) -> DrillRecord:
        row = self._db.execute("SELECT * FROM drills WHERE id = ?", (drill_id,)).fetchone()
        if row is None:
            recent = ", ".join(d.id for d in self.drills()[:5]) or "none yet"
            raise DrillError(f"no drill {drill_id!r} in {self.path}; recent drills: {recent}")
        return DrillRecord(*row)

    def drills(self) -> list[DrillRecord]:
        rows = self._db.execute("SELECT * FROM drills ORDER BY created_wall DESC, id DESC").fetchall()
        return [DrillRecord(*row) for row in rows]

    def finish(self, drill_id: str, status: str = "ended") -> None:
        with self._lock:
            self._db.execute("UPDATE drills SET ended_wall = ?, status = ? WHERE id = ?", (_now(), status, drill_id))

    def export_jsonl(self, drill_id: str) -> Iterator[str]:
        for e in self.events(drill_id):
            yield json.dumps({"seq": e.seq, "t_s": e.t_s, "kind": e.kind.value, "actor": e.actor, "data": e.data,
                              "wall": e.wall}, sort_keys=True)
