"""The live drill over HTTP: responder endpoints and the facilitator's controls.

Two bearer tokens: the responder token opens what on-call would have in production (status,
traces, change log, controls, declarations); the facilitator token opens everything, including
pause, inject, reveal and the fault admin API. Ground truth is reachable only through ``reveal``.
Every write returns after its event is durably appended.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from chaos.admin import admin_routes, token_ok
from chaos.clock import parse_clock
from chaos.drill import Drill
from chaos.errors import DrillError, FiredrillError
from chaos.taxonomy import Action

Handler = Callable[[Request], Awaitable[Response]]
RESPONDER_HEADER = "x-firedrill-responder"


def _who(request: Request) -> str:
    return (request.headers.get(RESPONDER_HEADER) or "responder").strip()[:60] or "responder"


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        doc = json.loads(raw)
    except ValueError:
        raise DrillError("the request body is not valid JSON") from None
    if not isinstance(doc, dict):
        raise DrillError("the request body must be a JSON object")
    return doc


def control_routes(drill: Drill, *, responder_token: str, facilitator_token: str) -> list[BaseRoute]:
    def guard(handler: Callable[[Request], Awaitable[Any]], *tokens: str) -> Handler:
        async def wrapper(request: Request) -> Response:
            if not token_ok(request, *tokens):
                return JSONResponse({"error": {"message": "missing or wrong token for this endpoint"}}, status_code=401)
            try:
                return JSONResponse(await handler(request))
            except DrillError as exc:
                status = 409 if "not running" in str(exc) else 400
                return JSONResponse({"error": {"message": str(exc)}}, status_code=status)
            except (FiredrillError, ValueError, KeyError, TypeError) as exc:
                return JSONResponse({"error": {"message": f"bad request: {exc}"}}, status_code=400)

        return wrapper

    def responder(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        return guard(handler, responder_token, facilitator_token)

    def facilitator(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        return guard(handler, facilitator_token)

    async def status(request: Request) -> Any:
        return await run_in_threadpool(drill.status)

    async def traces(request: Request) -> Any:
        failing = request.query_params.get("failing", "false").lower() in ("1", "true", "yes")
        limit = max(1, min(int(request.query_params.get("limit", "20")), 500))
        return {"traces": await run_in_threadpool(lambda: drill.traces(failing=failing, limit=limit))}

    async def trace(request: Request) -> Any:
        return await run_in_threadpool(drill.trace, request.path_params["trace_id"])

    async def changes(request: Request) -> Any:
        since = request.query_params.get("since_s")
        return {"changes": await run_in_threadpool(drill.changes, None if since is None else float(since))}

    async def act(request: Request) -> Any:
        body = await _body(request)
        try:
            action = Action(body.get("action"))
        except ValueError:
            raise DrillError(
                f"unknown action {body.get('action')!r}; known: {', '.join(a.value for a in Action)}"
            ) from None
        return await run_in_threadpool(drill.act, _who(request), action, body.get("arg"))

    async def declare(request: Request) -> Any:
        body = await _body(request)
        if "started" in body:  # "HH:MM" on the drill clock
            body["started_s"] = parse_clock(str(body.pop("started")))
        return await run_in_threadpool(lambda: drill.declare(_who(request), **body))

    async def note(request: Request) -> Any:
        text = str((await _body(request)).get("text", "")).strip()
        if not text:
            raise DrillError("a note needs text")
        return await run_in_threadpool(drill.note, _who(request), text)

    async def role(request: Request) -> Any:
        role_name = str((await _body(request)).get("role", ""))
        if role_name not in ("commander", "scribe", "investigator", "communicator"):
            raise DrillError("role must be one of commander, scribe, investigator, communicator")
        return await run_in_threadpool(drill.role, _who(request), role_name)

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
        if drill.masked:
            summary.update(id="spin", title=drill.display_title)
        return {**summary, "drill_id": drill.id, "paged": drill.paged_at is not None}

    async def pause(request: Request) -> Any:
        return await run_in_threadpool(drill.pause)

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
        Route("/drill/act", responder(act), methods=["POST"]),
        Route("/drill/declare", responder(declare), methods=["POST"]),
        Route("/drill/note", responder(note), methods=["POST"]),
        Route("/drill/role", responder(role), methods=["POST"]),
        Route("/drill/hint", responder(hint), methods=["POST"]),
        Route("/drill/replay", responder(replay), methods=["POST"]),
        Route("/drill/pause", facilitator(pause), methods=["POST"]),
        Route("/drill/resume", facilitator(resume), methods=["POST"]),
        Route("/drill/end", facilitator(end), methods=["POST"]),
        Route("/drill/inject", facilitator(inject), methods=["POST"]),
        Route("/drill/reveal", facilitator(reveal), methods=["GET"]),
        *admin_routes(drill.engine, facilitator_token),
    ]
