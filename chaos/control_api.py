"""The live drill over HTTP: responder endpoints and the facilitator's controls.

Three kinds of token (chaos/roster.py): the team's join code lets you watch what on-call would
have in production (status, traces, change log) and join; a personal token, got by joining with a
name and a role, also opens the controls, declarations and notes, each attributed to its holder;
the facilitator token opens everything, including pause, inject, reveal and the fault admin API.
Ground truth is reachable only through ``reveal``. Every write returns after its event is durably
appended. A browser presents its token in the ``firedrill_token`` cookie instead of the header;
then writes must also carry the ``x-firedrill-console`` header, which another site cannot send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from chaos.admin import admin_routes
from chaos.clock import parse_clock
from chaos.drill import Drill
from chaos.errors import DrillError, FiredrillError, InputTooLargeError
from chaos.http_body import json_object
from chaos.http_errors import error_response, refused
from chaos.roster import Identity, Roster, Standing
from chaos.taxonomy import parse_action
from chaos.timeline import entries, kinds_for

Handler = Callable[[Request], Awaitable[Response]]
TOKEN_COOKIE = "firedrill_token"
CONSOLE_HEADER = "x-firedrill-console"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def identify(roster: Roster, request: Request) -> Identity | None:
    """The one way a request becomes a person: its bearer token, or the console's cookie."""
    header = request.headers.get("authorization", "")
    if header:
        return roster.identify(header.removeprefix("Bearer ").strip())
    if request.method not in SAFE_METHODS and request.headers.get(CONSOLE_HEADER) != "1":
        return None  # a cookie alone never authorises a write: that is what a cross-site form would send
    return roster.identify(request.cookies.get(TOKEN_COOKIE, ""))


def _who(request: Request) -> str:
    """The journal's actor for this request: the name bound to the token, set by the guard."""
    identity: Identity = request.state.identity
    return identity.name


MAX_NOTE_CHARS = 2000


async def _body(request: Request) -> dict[str, Any]:
    return json_object(await request.body())


REFUSALS = {
    Standing.MEMBER: "join the drill first (firedrill join --name NAME --role ROLE, or the web console): "
                     "the team's join code lets you watch, a personal token lets you act",
    Standing.FACILITATOR: "this needs the facilitator token",
}
ALLOWED = {
    Standing.OBSERVER: {Standing.OBSERVER, Standing.MEMBER, Standing.FACILITATOR},
    Standing.MEMBER: {Standing.MEMBER, Standing.FACILITATOR},
    Standing.FACILITATOR: {Standing.FACILITATOR},
}


def control_routes(drill: Drill, *, roster: Roster) -> list[BaseRoute]:
    def guard(handler: Callable[[Request], Awaitable[Any]], needs: Standing) -> Handler:
        async def wrapper(request: Request) -> Response:
            identity = identify(roster, request)
            if identity is None:
                return refused(401, "missing or wrong token for this endpoint")
            if identity.standing not in ALLOWED[needs]:
                return refused(403, REFUSALS[needs])
            request.state.identity = identity
            try:
                return JSONResponse(await handler(request))
            except FiredrillError as exc:
                return error_response(exc)
            except (ValueError, KeyError, TypeError) as exc:  # a query or body value of the wrong kind
                return error_response(DrillError(f"bad request: {exc}"))

        return wrapper

    def responder(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        """Looking: anyone in the room, the join code included."""
        return guard(handler, Standing.OBSERVER)

    def member(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        """Acting: a person who joined (or the facilitator), named in the journal by their token."""
        return guard(handler, Standing.MEMBER)

    def facilitator(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        return guard(handler, Standing.FACILITATOR)

    async def status(request: Request) -> Any:
        return await run_in_threadpool(drill.status)

    async def traces(request: Request) -> Any:
        failing = request.query_params.get("failing", "false").lower() in ("1", "true", "yes")
        limit = max(1, min(int(request.query_params.get("limit", "20")), 500))
        filters = {k: request.query_params.get(k) or None for k in ("model", "prompt", "topic", "segment")}
        return {"traces": await run_in_threadpool(lambda: drill.traces(failing=failing, limit=limit, **filters))}

    async def trace(request: Request) -> Any:
        return await run_in_threadpool(drill.trace, request.path_params["trace_id"])

    async def changes(request: Request) -> Any:
        since = request.query_params.get("since_s")
        return {"changes": await run_in_threadpool(drill.changes, None if since is None else float(since))}

    async def act(request: Request) -> Any:
        body = await _body(request)
        action = parse_action(body.get("action"))
        arg = body.get("arg")
        return await run_in_threadpool(drill.act, _who(request), action, None if arg is None else str(arg))

    async def declare(request: Request) -> Any:
        body = await _body(request)
        if "started" in body:  # "HH:MM" on the drill clock
            try:
                body["started_s"] = parse_clock(str(body.pop("started")))
            except ValueError as exc:
                raise DrillError(f"started: {exc}") from None
        return await run_in_threadpool(lambda: drill.declare(_who(request), **body))

    async def note(request: Request) -> Any:
        text = str((await _body(request)).get("text", "")).strip()
        if not text:
            raise DrillError("a note needs text")
        if len(text) > MAX_NOTE_CHARS:
            raise InputTooLargeError(f"a note is at most {MAX_NOTE_CHARS} characters (this one has {len(text)}); "
                                     "split it or link to a document")
        return await run_in_threadpool(drill.note, _who(request), text)

    async def join(request: Request) -> Any:
        body = await _body(request)
        m = await run_in_threadpool(roster.join, str(body.get("name", "")), str(body.get("role", "")))
        return {"name": m.name, "role": m.role.value, "token": m.token}

    async def role(request: Request) -> Any:
        identity: Identity = request.state.identity
        if identity.standing is not Standing.MEMBER:
            raise DrillError("the facilitator takes no incident role; responders join with one")
        m = await run_in_threadpool(roster.set_role, identity.name, str((await _body(request)).get("role", "")))
        return {"actor": m.name, "role": m.role.value}

    async def whoami(request: Request) -> Any:
        identity: Identity = request.state.identity
        return {"name": identity.name, "standing": identity.standing.value,
                "role": None if identity.role is None else identity.role.value}

    async def members(request: Request) -> Any:
        return {"members": roster.members()}

    async def timeline(request: Request) -> Any:
        """The shared incident timeline after ``since`` (a journal seq): every teammate sees the same."""
        since = int(request.query_params.get("since", "0"))
        facilitator = request.state.identity.is_facilitator
        events = await run_in_threadpool(drill.log.since, drill.id, since, kinds_for(facilitator=facilitator))
        people = [m["name"] for m in roster.members()]
        return {"entries": entries(events, facilitator=facilitator, people=people),
                "next_since": events[-1].seq if events else since, "ended": drill.ended}

    async def hint(request: Request) -> Any:
        return await run_in_threadpool(drill.hint, _who(request))

    async def replay(request: Request) -> Any:
        body = await _body(request)
        return await run_in_threadpool(
            lambda: drill.replay(
                _who(request), str(body["trace_id"]), prompt=body.get("prompt"), model=body.get("model")
            )
        )

    async def briefing(request: Request) -> Any:
        summary = drill.scenario.public_summary()
        if drill.masked:  # a spin: nothing that tells which scenario it is (its length would, too)
            summary.update(id="spin", title=drill.display_title)
            for key in ("duration_min", "tags", "difficulty"):
                summary.pop(key, None)
        return {**summary, "drill_id": drill.id, "paged": drill.paged_at is not None}

    async def provider_status(request: Request) -> Any:
        return await run_in_threadpool(drill.provider_status)

    async def pause(request: Request) -> Any:
        return await run_in_threadpool(drill.pause)

    async def page(request: Request) -> Any:
        return await run_in_threadpool(drill.page)

    async def resume(request: Request) -> Any:
        return await run_in_threadpool(drill.resume)

    async def end(request: Request) -> Any:
        return await run_in_threadpool(drill.end)

    async def inject(request: Request) -> Any:
        spec = await _body(request)
        return await run_in_threadpool(drill.inject, spec)

    async def reveal(request: Request) -> Any:
        return drill.reveal()

    return [
        Route("/drill/status", responder(status), methods=["GET"]),
        Route("/drill/briefing", responder(briefing), methods=["GET"]),
        Route("/drill/traces", responder(traces), methods=["GET"]),
        Route("/drill/traces/{trace_id}", responder(trace), methods=["GET"]),
        Route("/drill/changes", responder(changes), methods=["GET"]),
        Route("/drill/provider-status", responder(provider_status), methods=["GET"]),
        Route("/drill/join", responder(join), methods=["POST"]),
        Route("/drill/whoami", responder(whoami), methods=["GET"]),
        Route("/drill/roster", responder(members), methods=["GET"]),
        Route("/drill/timeline", responder(timeline), methods=["GET"]),
        Route("/drill/act", member(act), methods=["POST"]),
        Route("/drill/declare", member(declare), methods=["POST"]),
        Route("/drill/note", member(note), methods=["POST"]),
        Route("/drill/role", member(role), methods=["POST"]),
        Route("/drill/hint", member(hint), methods=["POST"]),
        Route("/drill/replay", member(replay), methods=["POST"]),
        Route("/drill/pause", facilitator(pause), methods=["POST"]),
        Route("/drill/page", facilitator(page), methods=["POST"]),
        Route("/drill/resume", facilitator(resume), methods=["POST"]),
        Route("/drill/end", facilitator(end), methods=["POST"]),
        Route("/drill/inject", facilitator(inject), methods=["POST"]),
        Route("/drill/reveal", facilitator(reveal), methods=["GET"]),
        *admin_routes(drill.engine, roster.facilitator_token, transaction=drill.transaction),
    ]
