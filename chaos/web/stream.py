"""Server-sent events for the console: the dashboard and the shared timeline, as they happen.

One stream per browser. Each tick it sends the drill's status (only when it changed) and the
timeline entries journaled since the last tick, filtered for the audience exactly as
``GET /drill/timeline`` filters them: responders never receive fault events or ground truth.
After the end it sends the last status and the last entries, then closes; the console stops
listening then, so a stopping server has no streams left to cut.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from chaos.roster import Identity, Roster
from chaos.timeline import entries, kinds_for

if TYPE_CHECKING:
    from chaos.drill import Drill

TICK_S = 0.5  # real seconds between looks: live enough at speed 60, cheap for ten browsers
KEEPALIVE_TICKS = 20


def dashboard(status: dict[str, Any], members: list[dict[str, str]]) -> dict[str, Any]:
    """What the console draws from a status: the state, the page, metrics, series, alerts, controls."""
    series = status["series"]
    return {
        "state": status["state"], "time": status["time"], "t_s": status["t_s"], "paged": status["paged"],
        "briefing": status.get("briefing"), "metrics": status["metrics"], "series": series,
        "alerts": status["alerts"], "controls": status["controls"], "members": members,
    }


def frame(event: str, data: Any, *, event_id: int | None = None) -> str:
    """One server-sent event; timeline frames carry the journal seq, so a reconnect resumes after it."""
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def resume_after(last_event_id: str | None) -> int:
    """The journal seq a reconnecting browser saw last (its Last-Event-ID header); 0 for a first connection."""
    try:
        return max(0, int(last_event_id or 0))
    except ValueError:
        return 0


async def events(drill: Drill, roster: Roster, identity: Identity, *, since: int = 0) -> AsyncIterator[str]:
    facilitator = identity.is_facilitator
    kinds = kinds_for(facilitator=facilitator)
    last, quiet = "", 0
    yield "retry: 2000\n\n"
    while True:
        ended = drill.ended  # read first: what follows is sent whole before the stream closes
        status = await run_in_threadpool(drill.status)
        members = roster.members()
        board = frame("status", dashboard(status, members))
        if board != last:
            last, quiet = board, 0
            yield board
        found = await run_in_threadpool(drill.log.since, drill.id, since, kinds)
        if found:
            since, quiet = found[-1].seq, 0
            people = [m["name"] for m in members]
            lines = entries(found, facilitator=facilitator, people=people)
            if lines:
                yield frame("timeline", lines, event_id=since)
        if ended:
            yield frame("end", {"debrief": "/room/debrief"})
            return
        quiet += 1
        if quiet >= KEEPALIVE_TICKS:
            quiet = 0
            yield ": keep-alive\n\n"
        await asyncio.sleep(TICK_S)
