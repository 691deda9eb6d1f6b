"""The incident room's pages, fragments and event stream, mounted on the drill's own server.

Pages are Jinja2 templates rendered on the server; the console's small script fetches fragments
(traces, a trace, the change log, the provider status) rendered by the same templates, and
acts through the control API (``/drill/*``) with the cookie the join set. Every handler asks
the drill's public methods, never its internals, and serves the ground truth to the
facilitator alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from chaos.clock import CLOCK_ORIGIN, clock_label
from chaos.errors import DrillError, FiredrillError
from chaos.http_errors import error_response, refused
from chaos.roster import Identity, Role, Roster
from chaos.web import auth, debrief, stream
from chaos.web.controls import CONTROLS, options, prompt_choices
from chaos.web.faultforms import fault_forms
from scorecards.card import shown

if TYPE_CHECKING:
    from chaos.drill import Drill

STATIC = Path(__file__).parent / "static"
TRACES_SHOWN = 50
ENV = Environment(loader=PackageLoader("chaos.web", "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters["shown"] = shown  # a declared or true field as a person reads it (lists joined, nothing as a dash)
# The room's pages load only their own scripts and styles: a trace's text (user questions, model answers) can
# never run as script even if an escape were missed, and no other site may frame the controls.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
NO_STORE = {"cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
            "content-security-policy": CSP}


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status_code, headers=NO_STORE)


def _fail(exc: Exception) -> Response:
    """The control API's error shape (chaos/http_errors.py); firedrill errors carry their own HTTP status."""
    if isinstance(exc, FiredrillError):
        return error_response(exc)
    if isinstance(exc, PermissionError):
        return refused(403, str(exc))
    return error_response(DrillError(f"bad request: {exc}"))  # a value of the wrong kind in the body


def web_routes(drill: Drill, *, roster: Roster) -> list[BaseRoute]:
    """The room's routes: ``/room`` (join page, console), ``/room/debrief``, fragments, the stream."""

    def page_context(identity: Identity | None) -> dict[str, Any]:
        return {"me": identity, "drill_id": drill.id, "title": drill.display_title, "speed": drill.speed,
                "roles": list(Role), "origin_s": CLOCK_ORIGIN.hour * 3600 + CLOCK_ORIGIN.minute * 60}

    def who(request: Request) -> Identity | None:
        return auth.current(roster, request)

    def needs(level: str) -> Callable[[Callable[[Request, Identity], Awaitable[Response]]], Any]:
        def wrap(handler: Callable[[Request, Identity], Awaitable[Response]]) -> Any:
            async def endpoint(request: Request) -> Response:
                identity = who(request)
                if identity is None:
                    return refused(401, "join the room first: open the link firedrill run printed")
                if level == "act" and not identity.can_act:
                    return refused(403, "watching only: join with a name and a role to act")
                if level == "facilitator" and not identity.is_facilitator:
                    return refused(403, "this needs the facilitator token")
                try:
                    return await handler(request, identity)
                except (FiredrillError, PermissionError, ValueError, KeyError) as exc:
                    return _fail(exc)
            return endpoint
        return wrap

    async def home(request: Request) -> Response:
        return RedirectResponse("/room", status_code=303)

    async def room(request: Request) -> Response:
        identity = who(request)
        if identity is None:
            return render("join.html", **page_context(None))
        opts = await run_in_threadpool(options, drill)
        truth = drill.reveal() if identity.is_facilitator else None
        started = clock_label(drill.scenario.ground_truth.started_s) if truth else None
        hints = [f"{h.cost:g}" for h in drill.scenario.hints]
        return render("room.html", **page_context(identity), options=opts, controls=CONTROLS,
                      prompt_choices=prompt_choices(opts["prompts"]), hint_costs=hints,
                      faults=fault_forms() if identity.is_facilitator else [], truth=truth, truth_started=started)

    async def join(request: Request) -> Response:
        try:
            body = await auth.form(request)
            return await run_in_threadpool(auth.join, roster, body)
        except (FiredrillError, PermissionError) as exc:
            return _fail(exc)

    async def enter(request: Request) -> Response:
        try:
            return auth.enter(roster, await auth.form(request))
        except (FiredrillError, PermissionError) as exc:
            return _fail(exc)

    async def leave(request: Request) -> Response:
        return auth.leave()

    @needs("watch")
    async def events(request: Request, identity: Identity) -> Response:
        since = stream.resume_after(request.headers.get("last-event-id"))
        return StreamingResponse(stream.events(drill, roster, identity, since=since), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    @needs("watch")
    async def traces(request: Request, identity: Identity) -> Response:
        q = request.query_params
        filters = {k: q.get(k) or None for k in ("model", "prompt", "topic", "segment")}
        failing = q.get("failing", "") in ("1", "true", "on")
        found = await run_in_threadpool(lambda: drill.traces(failing=failing, limit=TRACES_SHOWN, **filters))
        return render("parts/traces.html", traces=found, failing=failing, filters=filters)

    @needs("watch")
    async def trace(request: Request, identity: Identity) -> Response:
        view = await run_in_threadpool(drill.trace, request.path_params["trace_id"])
        opts = await run_in_threadpool(options, drill)
        return render("parts/trace.html", t=view, options=opts, me=identity, replay=False)

    @needs("act")
    async def replay(request: Request, identity: Identity) -> Response:
        body = await auth.form(request)
        view = await run_in_threadpool(lambda: drill.replay(identity.name, str(body["trace_id"]),
                                                            prompt=body.get("prompt") or None,
                                                            model=body.get("model") or None))
        return render("parts/trace.html", t=view, options={}, me=identity, replay=True, asked=body)

    @needs("watch")
    async def changes(request: Request, identity: Identity) -> Response:
        return render("parts/changes.html", changes=await run_in_threadpool(drill.changes))

    @needs("watch")
    async def provider(request: Request, identity: Identity) -> Response:
        page = getattr(drill, "provider_status", None)  # the provider's public status page, where it has one
        status = await run_in_threadpool(page) if callable(page) else None
        return render("parts/provider.html", status=status)

    async def debrief_page(request: Request) -> Response:
        identity = who(request)
        if identity is None:
            return render("join.html", **page_context(None))
        if not drill.ended and not identity.is_facilitator:
            return render("wait.html", status_code=409, **page_context(identity))
        built = await run_in_threadpool(debrief.build, drill)
        return render("debrief.html", **page_context(identity), d=built, ended=drill.ended)

    @needs("act")
    async def add_eval(request: Request, identity: Identity) -> Response:
        from chaos.verify import add_case, verify

        if not drill.ended:
            raise PermissionError("eval cases are added in the debrief, after the drill has ended")
        body = await auth.form(request)

        def add() -> dict[str, Any]:
            case = add_case(drill.log, drill.id, question=body.get("question") or None,
                            expect=str(body.get("expect", "")), trace_id=body.get("trace_id") or None,
                            by=identity.name)
            verdicts = {v.case_id: v for v in verify(drill.log, drill.id, drill.scenario)}
            v = verdicts[case.case_id]
            return {"case_id": case.case_id, "verified": v.verified, "reason": v.reason}

        return JSONResponse(await run_in_threadpool(add))

    return [
        Route("/", home, methods=["GET"]),
        Route("/room", room, methods=["GET"]),
        Route("/room/join", join, methods=["POST"]),
        Route("/room/enter", enter, methods=["POST"]),
        Route("/room/leave", leave, methods=["POST"]),
        Route("/room/events", events, methods=["GET"]),
        Route("/room/part/traces", traces, methods=["GET"]),
        Route("/room/part/traces/{trace_id}", trace, methods=["GET"]),
        Route("/room/part/replay", replay, methods=["POST"]),
        Route("/room/part/changes", changes, methods=["GET"]),
        Route("/room/part/provider", provider, methods=["GET"]),
        Route("/room/debrief", debrief_page, methods=["GET"]),
        Route("/room/eval", add_eval, methods=["POST"]),
        Mount("/room/static", app=StaticFiles(directory=STATIC), name="room-static"),
    ]
