"""The drill journal: one append-only event log per drill, durable in SQLite, one file per drill.

Layout: ``$FIREDRILL_HOME/drills/<drill-id>.sqlite3`` (directory 0700, files 0600, since the
journal holds the ground truth), so one damaged file cannot block any other drill. A path that
names a file (``x.sqlite3``, ``:memory:``) keeps every drill in that one file instead: tests,
benchmarks and ``--db`` use it.

Every commit is on disk before it returns (WAL, synchronous=FULL), so an event acknowledged to a
responder survives a ``kill -9`` of the runner. The journal holds the scenario as drilled (its
canonical YAML and hash): every report is computed from the journal alone. A runner holds an
exclusive lock on ``<drill-id>.lock`` while it writes, so a "running" drill whose lock is free
was interrupted (kill -9, a crash, a power cut), and says so. Damage (a missing write-ahead log,
a malformed file) is named in one line with the file and the problem; reading recovers every
event it still can. Reading streams rows, so a million-event drill is never held in memory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import sqlite3
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.errors import DrillError, NotFoundError
from chaos.events import Event, EventKind
from fake_llm.wire.common import loads

if TYPE_CHECKING:
    from chaos.scenario import Scenario

SCHEMA = """
CREATE TABLE IF NOT EXISTS drills (
    id TEXT PRIMARY KEY, scenario_id TEXT NOT NULL, seed INTEGER NOT NULL, team TEXT, mode TEXT NOT NULL,
    created_wall TEXT NOT NULL, ended_wall TEXT, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    drill_id TEXT NOT NULL, seq INTEGER NOT NULL, t_s REAL NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
    data TEXT NOT NULL, wall TEXT NOT NULL, PRIMARY KEY (drill_id, seq)
);
CREATE TABLE IF NOT EXISTS members (
    drill_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL,
    PRIMARY KEY (drill_id, name)
);
"""
# journals older than these lack them
ADDED_COLUMNS = {"scenario_text": "TEXT", "scenario_hash": "TEXT", "facilitator_hash": "TEXT"}
COLUMNS = "id, scenario_id, seed, team, mode, created_wall, ended_wall, status, scenario_hash"
DRILL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
FILE_SUFFIXES = (".sqlite3", ".sqlite", ".db")

RUNNING, ENDED, INTERRUPTED = "running", "ended", "interrupted"


class JournalDamagedError(DrillError):
    """A journal file is damaged: names the file and the damage."""


def default_path() -> Path:
    return Path(os.environ.get("FIREDRILL_HOME", ".firedrill")) / "drills"


@dataclass(frozen=True)
class DrillRecord:
    id: str
    scenario_id: str
    seed: int
    team: str | None
    mode: str
    created_wall: str
    ended_wall: str | None
    status: str  # running | ended | interrupted (running in the journal, but its runner is gone)
    scenario_hash: str | None = None

    @property
    def interrupted(self) -> bool:
        return self.status == INTERRUPTED


def scenario_text(scenario: Scenario) -> str:
    """The scenario as drilled, canonical YAML that loads back to the same scenario."""
    import yaml

    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


# one encoder for every event (json.dumps with options builds a new one per call): compact, keys sorted
_payload = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _problem(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text:
        return "not a SQLite journal (overwritten or truncated?)"
    if "malformed" in text:
        return "the file is malformed (damaged on disk)"
    return text


def _token_hash(token: str) -> str:
    return hashlib.sha256(f"firedrill-facilitator:{token}".encode()).hexdigest()


def _create_private(path: Path) -> None:
    """Make the file 0600 before SQLite opens it (SQLite gives its -wal and -shm the same mode)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class EventLog:
    def __init__(self, path: Path | str | None = None, *, durable: bool = True) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.durable = durable
        self.memory = str(self.path) == ":memory:"
        self.per_drill = not self.memory and not self.path.is_file() and self.path.suffix not in FILE_SUFFIXES
        self.damage: list[str] = []  # one line per damaged journal met while reading
        self._lock = threading.RLock()
        self._seq: dict[str, int] = {}
        self._conns: dict[Path, sqlite3.Connection] = {}
        self._writer_locks: dict[str, int] = {}  # drill id -> fd of its held lock file
        if self.per_drill:
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.path, 0o700)
        elif not self.memory:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                _create_private(self.path)
            self._connect(self.path)

    # --- files ---------------------------------------------------------------------------------

    def _file(self, drill_id: str) -> Path:
        if self.memory:
            return Path(":memory:")
        if not self.per_drill:
            return self.path
        if not DRILL_ID.fullmatch(drill_id):
            raise NotFoundError(f"{drill_id!r} is not a drill id (letters, digits, '.', '_' and '-')")
        return self.path / f"{drill_id}.sqlite3"

    def _lock_file(self, drill_id: str) -> Path:
        base = self.path if self.per_drill else self.path.parent
        return base / f"{drill_id}.lock" if self.per_drill else base / f".{self.path.name}.{drill_id}.lock"

    def _connect(self, file: Path) -> sqlite3.Connection:
        with self._lock:
            conn = self._conns.get(file)
            if conn is not None:
                return conn
            try:
                conn = sqlite3.connect(str(file), check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA busy_timeout=5000")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'OFF'}")
                conn.executescript(SCHEMA)
                have = {row[1] for row in conn.execute("PRAGMA table_info(drills)")}
                for name, kind in ADDED_COLUMNS.items():
                    if name not in have:
                        conn.execute(f"ALTER TABLE drills ADD COLUMN {name} {kind}")
            except sqlite3.Error as exc:
                raise JournalDamagedError(f"{file}: {_problem(exc)}") from None
            self._conns[file] = conn
            return conn

    def _open_existing(self, drill_id: str) -> sqlite3.Connection:
        file = self._file(drill_id)
        if self.per_drill and not file.exists():
            recent = ", ".join(d.id for d in self.drills()[:5]) or "none yet"
            raise NotFoundError(f"no drill {drill_id!r} in {self.path}; recent drills: {recent}")
        if self.per_drill and file not in self._conns:
            wal_missing = not Path(f"{file}-wal").exists()
            conn = self._connect(file)
            row = self._row(conn, drill_id)
            if wal_missing and row is not None and row[7] == RUNNING and not self._alive(drill_id):
                self._note_damage(f"{file}: its write-ahead log ({file.name}-wal) is missing; the events "
                                  "written since the last checkpoint are lost, the rest is recovered")
            return conn
        return self._connect(file)

    def _note_damage(self, line: str) -> None:
        if line not in self.damage:
            self.damage.append(line)

    def _row(self, conn: sqlite3.Connection, drill_id: str) -> tuple[Any, ...] | None:
        try:
            row: tuple[Any, ...] | None = conn.execute(f"SELECT {COLUMNS} FROM drills WHERE id = ?",
                                                       (drill_id,)).fetchone()
        except sqlite3.Error as exc:
            raise JournalDamagedError(f"{self._file(drill_id)}: {_problem(exc)}") from None
        return row

    def _alive(self, drill_id: str) -> bool:
        """Whether a runner (this process or another) is writing the drill now."""
        if self.memory or drill_id in self._writer_locks:
            return True
        lock = self._lock_file(drill_id)
        if not lock.exists():
            return False
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)  # closing drops our probe lock, if we got it
        return False

    def close(self) -> None:
        with self._lock:
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()
            for fd in self._writer_locks.values():
                os.close(fd)
            self._writer_locks.clear()

    # --- writing -------------------------------------------------------------------------------

    def create_drill(self, scenario_id: str, *, seed: int, mode: str, team: str | None = None,
                     drill_id: str | None = None, scenario: str | None = None,
                     facilitator_token: str | None = None) -> str:
        """A new drill's journal; ``scenario`` is its text as drilled (``scenario_text``). Only a hash
        of the facilitator token is kept: enough to check it, never enough to use it."""
        with self._lock:
            drill_id = drill_id or self._new_id(scenario_id)
            file = self._file(drill_id)
            if self.per_drill:
                try:
                    os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
                except FileExistsError:
                    raise DrillError(f"a drill {drill_id!r} already exists in {self.path}") from None
            self._hold(drill_id)
            conn = self._connect(file)
            digest = hashlib.sha256(scenario.encode()).hexdigest() if scenario is not None else None
            conn.execute("INSERT INTO drills (id, scenario_id, seed, team, mode, created_wall, ended_wall, status, "
                         "scenario_text, scenario_hash, facilitator_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                         (drill_id, scenario_id, seed, team, mode, _now(), RUNNING, scenario, digest,
                          None if facilitator_token is None else _token_hash(facilitator_token)))
            self._seq[drill_id] = 0
        return drill_id

    def _new_id(self, scenario_id: str) -> str:
        n = 1
        while True:
            candidate = f"{scenario_id}-{n}"
            if self.per_drill:
                if not self._file(candidate).exists():
                    return candidate
            elif self._row(self._connect(self._file(candidate)), candidate) is None:
                return candidate
            n += 1

    def _hold(self, drill_id: str) -> None:
        """Take the runner's lock: while held, readers know the drill is really running."""
        if self.memory:
            return
        fd = os.open(self._lock_file(drill_id), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise DrillError(f"drill {drill_id!r} is being run by another firedrill process") from None
        self._writer_locks[drill_id] = fd

    def resume_drill(self, drill_id: str, *, facilitator_token: str | None = None) -> None:
        """Take over writing an interrupted drill: its lock, and appends after its last event. The
        resumed runner's facilitator token replaces the old one (whose holder may be the crashed laptop)."""
        with self._lock:
            record = self.drill(drill_id)
            if record.status != INTERRUPTED:
                raise DrillError(f"drill {drill_id!r} is {record.status}, not interrupted: nothing to resume")
            self._hold(drill_id)
            conn = self._conn(drill_id)
            conn.execute("UPDATE drills SET status = ?, ended_wall = NULL WHERE id = ?", (RUNNING, drill_id))
            if facilitator_token is not None:
                conn.execute("UPDATE drills SET facilitator_hash = ? WHERE id = ?",
                             (_token_hash(facilitator_token), drill_id))
            self._seq.pop(drill_id, None)

    def save_member(self, drill_id: str, name: str, role: str, token_hash: str) -> None:
        """Remember a room member (a hash of their personal token, never the token), so a resumed
        drill still knows everyone's token and nobody has to join again."""
        with self._lock:
            self._refuse_if_run_elsewhere(drill_id)
            self._conn(drill_id).execute(
                "INSERT INTO members VALUES (?, ?, ?, ?) ON CONFLICT (drill_id, name) DO UPDATE SET "
                "role = excluded.role, token_hash = excluded.token_hash", (drill_id, name, role, token_hash))

    def members(self, drill_id: str) -> list[tuple[str, str, str]]:
        """(name, role, token hash) of everyone who joined the drill, in the order they joined."""
        with self._lock:
            return [tuple(row) for row in self._conn(drill_id).execute(  # type: ignore[misc]
                "SELECT name, role, token_hash FROM members WHERE drill_id = ? ORDER BY rowid", (drill_id,))]

    def _conn(self, drill_id: str) -> sqlite3.Connection:
        return self._open_existing(drill_id)

    def _next_seq(self, conn: sqlite3.Connection, drill_id: str) -> int:
        seq = self._seq.get(drill_id)
        if seq is None:
            seq = conn.execute("SELECT MAX(seq) FROM events WHERE drill_id = ?", (drill_id,)).fetchone()[0] or 0
        return seq

    def _refuse_if_run_elsewhere(self, drill_id: str) -> None:
        """Only a drill's runner writes to it while it runs: a second writer (another process, or
        another journal handle) would take sequence numbers the runner is about to use, and the
        runner's next commit would fail and lose its events."""
        if not self.memory and drill_id not in self._writer_locks and self._alive(drill_id):
            raise DrillError(f"drill {drill_id!r} is still running in another firedrill process, which alone may "
                             "write to its journal: act through its room or console, or wait until it ends")

    def append(self, drill_id: str, t_s: float, kind: EventKind, actor: str, data: dict[str, Any]) -> Event:
        """Write one event; it is on disk when this returns."""
        wall = _now()
        payload = _payload(data)
        with self._lock:
            self._refuse_if_run_elsewhere(drill_id)
            conn = self._conn(drill_id)
            seq = self._next_seq(conn, drill_id) + 1
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (drill_id, seq, round(t_s, 6), kind.value, actor, payload, wall))
            self._seq[drill_id] = seq
        return Event(round(t_s, 6), kind, actor, data, seq, wall)

    def append_many(self, drill_id: str, rows: list[tuple[float, EventKind, str, dict[str, Any]]]) -> None:
        """Many events in one transaction: what a drill commits at once."""
        wall = _now()
        with self._lock:
            self._refuse_if_run_elsewhere(drill_id)
            conn = self._conn(drill_id)
            seq = self._next_seq(conn, drill_id)
            batch = []
            for t_s, kind, actor, data in rows:
                seq += 1
                batch.append((drill_id, seq, round(t_s, 6), kind.value, actor, _payload(data), wall))
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
            conn.execute("COMMIT")
            self._seq[drill_id] = seq

    def finish(self, drill_id: str, status: str = ENDED) -> None:
        with self._lock:
            self._conn(drill_id).execute("UPDATE drills SET ended_wall = ?, status = ? WHERE id = ?",
                                         (_now(), status, drill_id))
            fd = self._writer_locks.pop(drill_id, None)
            if fd is not None:
                os.close(fd)

    def mark_interrupted(self, drill_id: str) -> DrillRecord:
        """Close an interrupted drill for good: a final ``drill_ended`` event says it was interrupted."""
        with self._lock:
            record = self.drill(drill_id)
            if record.status != INTERRUPTED:
                return record
            last = self._last_event(drill_id)
            self._hold(drill_id)
            self.append(drill_id, last.t_s if last else 0.0, EventKind.DRILL_ENDED, "runner",
                        {"reason": "interrupted", "interrupted": True})
            self.finish(drill_id, INTERRUPTED)
            return self.drill(drill_id)

    # --- reading -------------------------------------------------------------------------------

    def events(self, drill_id: str) -> Iterator[Event]:
        """Every event in order; a damaged file yields what it can and names the damage in ``damage``."""
        self.drill(drill_id)
        conn = self._conn(drill_id)
        cursor = conn.cursor()
        try:
            cursor.execute("SELECT t_s, kind, actor, data, seq, wall FROM events WHERE drill_id = ? ORDER BY seq",
                           (drill_id,))
            while rows := cursor.fetchmany(5000):
                for t_s, kind, actor, data, seq, wall in rows:
                    yield Event(t_s, EventKind(kind), actor, loads(data), seq, wall)
        except sqlite3.Error as exc:
            self._note_damage(f"{self._file(drill_id)}: {_problem(exc)}; the events before the damage are recovered")

    def _last_event(self, drill_id: str) -> Event | None:
        row = self._conn(drill_id).execute(
            "SELECT t_s, kind, actor, data, seq, wall FROM events WHERE drill_id = ? ORDER BY seq DESC LIMIT 1",
            (drill_id,)).fetchone()
        if row is None:
            return None
        t_s, kind, actor, data, seq, wall = row
        return Event(t_s, EventKind(kind), actor, loads(data), seq, wall)

    def extent(self, drill_id: str) -> tuple[int, float]:
        """How many events the journal holds, and the drill time of the last."""
        row = self._conn(drill_id).execute("SELECT COUNT(*), MAX(t_s) FROM events WHERE drill_id = ?",
                                           (drill_id,)).fetchone()
        return int(row[0]), float(row[1] or 0.0)

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
            rows = self._conn(drill_id).execute(f"SELECT t_s, kind, actor, data, seq, wall FROM events WHERE {where} "
                                                "ORDER BY seq LIMIT ?", (*args, limit)).fetchall()
        return [Event(t_s, EventKind(kind), actor, loads(data), seq, wall)
                for t_s, kind, actor, data, seq, wall in rows]

    def drill(self, drill_id: str) -> DrillRecord:
        conn = self._open_existing(drill_id)
        row = self._row(conn, drill_id)
        if row is None:
            if self.per_drill:
                raise JournalDamagedError(f"{self._file(drill_id)}: holds no drill record (its write-ahead log "
                                          "is missing, or the file was cut short)")
            recent = ", ".join(d.id for d in self.drills()[:5]) or "none yet"
            raise NotFoundError(f"no drill {drill_id!r} in {self.path}; recent drills: {recent}")
        return self._record(row)

    def _record(self, row: tuple[Any, ...]) -> DrillRecord:
        record = DrillRecord(*row)
        if record.status == RUNNING and not self._alive(record.id):
            return dataclasses.replace(record, status=INTERRUPTED)
        return record

    def drills(self) -> list[DrillRecord]:
        """Every drill, newest first; a damaged journal is skipped and named in ``damage``."""
        records: list[DrillRecord] = []
        if self.per_drill:
            for file in sorted(self.path.glob("*.sqlite3")):
                try:
                    records.append(self.drill(file.stem))
                except DrillError as exc:
                    self._note_damage(str(exc))
        else:
            conn = self._connect(self._file(""))
            try:
                rows = conn.execute(f"SELECT {COLUMNS} FROM drills").fetchall()
            except sqlite3.Error as exc:
                raise JournalDamagedError(f"{self.path}: {_problem(exc)}") from None
            records = [self._record(row) for row in rows]
        return sorted(records, key=lambda r: (r.created_wall, r.id), reverse=True)

    def scenario(self, drill_id: str) -> Scenario:
        """The scenario exactly as it was drilled, from the journal (never today's file)."""
        from chaos.scenario import Scenario

        row = self._conn(drill_id).execute("SELECT scenario_text, scenario_id FROM drills WHERE id = ?",
                                           (drill_id,)).fetchone()
        if row is None or row[0] is None:
            from chaos.loader import load_scenario

            return load_scenario(row[1] if row else drill_id)  # a journal from before scenarios were kept
        import yaml

        return Scenario.model_validate(yaml.safe_load(row[0]))

    def is_facilitator(self, drill_id: str, token: str) -> bool:
        """Whether ``token`` is this drill's facilitator token."""
        row = self._conn(drill_id).execute("SELECT facilitator_hash FROM drills WHERE id = ?", (drill_id,)).fetchone()
        return bool(token and row and row[0]) and hmac.compare_digest(row[0], _token_hash(token))

    def export_jsonl(self, drill_id: str) -> Iterator[str]:
        for e in self.events(drill_id):
            yield json.dumps({"seq": e.seq, "t_s": e.t_s, "kind": e.kind.value, "actor": e.actor, "data": e.data,
                              "wall": e.wall}, sort_keys=True)
