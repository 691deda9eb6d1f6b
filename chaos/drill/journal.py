"""A drill's events on their way into the event log, written the same way live and simulated.

Events are recorded in drill order under the drill lock and committed to the event log in one
transaction at four moments: before a responder's or facilitator's write is acknowledged, when
the clock is about to wait for real time (so a live drill's traffic is on disk within a drill
step), when the buffer is full, and when the drill ends. A simulated drill never waits, so it
commits in large batches; the events and their order are the same either way.
"""

from __future__ import annotations

from typing import Any

from chaos.eventlog import EventLog
from chaos.events import EventKind

BATCH_EVENTS = 5000

Row = tuple[float, EventKind, str, dict[str, Any]]


class Journal:
    """The pending events of one drill; not thread-safe on its own: callers hold the drill lock."""

    def __init__(self, log: EventLog, drill_id: str) -> None:
        self.log = log
        self.drill_id = drill_id
        self._pending: list[Row] = []
        self.skip = 0  # a resumed drill regenerates this many events that are on disk already

    def record(self, t_s: float, kind: EventKind, actor: str, data: dict[str, Any]) -> None:
        if self.skip > 0:
            self.skip -= 1
            return
        self._pending.append((t_s, kind, actor, data))
        if len(self._pending) >= BATCH_EVENTS:
            self.commit()

    def commit(self) -> None:
        """Everything recorded so far is on disk when this returns."""
        if self._pending:
            rows, self._pending = self._pending, []
            self.log.append_many(self.drill_id, rows)

    def finish(self, status: str) -> None:
        self.commit()
        self.log.finish(self.drill_id, status)
