"""The facilitator's fault API: list, add, update, remove faults, reset; every change audited.

Guarded by a bearer token responders do not have. A body is parsed into a ``FaultSpec`` and handed
to ``FaultEngine.start``, the one way in that the scenario timeline, ``drill inject``, fault files
and the library share, so a fault added here has the same effect (world changes included) as any.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chaos.engine import FaultEngine
from chaos.errors import FaultError, FiredrillError
from chaos.faults.registry import FAULT_TYPES
from chaos.faults.spec import ScheduledFaultSpec, parse_spec
from chaos.http_body import json_object
from chaos.http_errors import error_response, refused

Handler = Callable[[Request], Awaitable[Response]]
Transaction = Callable[[], AbstractContextManager[Any]]


def token_ok(request: Request, *tokens: str) -> bool:
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return bool(given) and any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens if t)


def guarded(handler: Handler, *tokens: str) -> Handler:
    async def wrapper(request: Request) -> Response:
        if not token_ok(request, *tokens):
            return refused(401, "missing or wrong token: this needs the facilitator token "
                                "(Authorization: Bearer <FIREDRILL_ADMIN_TOKEN>)")
        try:
            return await handler(request)
        except FiredrillError as exc:
            return error_response(exc)
    return wrapper


async def _json(request: Request) -> dict[str, Any]:
    return json_object(await request.body(), error=FaultError)


def admin_routes(engine: FaultEngine, *tokens: str, prefix: str = "/admin",
                 transaction: Transaction = nullcontext) -> list[Route]:
    """The admin API over ``engine``. In a drill, ``transaction`` is the drill's: every change runs
    under the drill lock, refuses an ended drill, and is journaled before the answer goes out."""

    def run(change: Callable[[], Any]) -> Any:
        def locked() -> Any:
            with transaction():
                return change()
        return run_in_threadpool(locked)

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": [f.to_dict() for f in engine.list()], "now_s": engine.clock()})

    async def add_fault(request: Request) -> Response:
        spec = parse_spec(await _json(request))
        fault = await run(lambda: engine.start(spec))
        return JSONResponse(fault.to_dict(), status_code=201)

    async def update_fault(request: Request) -> Response:
        fault_id = request.path_params["fault_id"]
        changes = await _json(request)
        changes.pop("id", None)

        def update() -> Any:
            current = engine.get(fault_id).to_dict()
            spec = parse_spec({"type": current["type"], "params": current["params"], "target": current["target"],
                               **changes, "id": fault_id})
            assert isinstance(spec, ScheduledFaultSpec)
            now = engine.clock()
            return engine.replace(engine.build(
                spec, start_s=None if spec.start_s is None else now + spec.start_s,
                stop_s=None if spec.stop_s is None else now + spec.stop_s))

        return JSONResponse((await run(update)).to_dict())

    async def remove_fault(request: Request) -> Response:
        fault_id = request.path_params["fault_id"]
        return JSONResponse((await run(lambda: engine.remove(fault_id))).to_dict())

    async def reset(request: Request) -> Response:
        return JSONResponse({"removed": [f.id for f in await run(engine.reset)]})

    async def audit(request: Request) -> Response:
        return JSONResponse({"changes": [{"at_s": c.at_s, "op": c.op, "fault": c.fault} for c in engine.audit]})

    async def types(request: Request) -> Response:
        return JSONResponse({"types": {name: {"stage": cls.stage.value, "description": cls.description,
                                              "params": cls.Params.model_json_schema().get("properties", {})}
                                       for name, cls in sorted(FAULT_TYPES.items())}})

    def g(handler: Handler) -> Handler:
        return guarded(handler, *tokens)

    return [
        Route(f"{prefix}/faults", g(list_faults), methods=["GET"]),
        Route(f"{prefix}/faults", g(add_fault), methods=["POST"]),
        Route(f"{prefix}/faults/{{fault_id}}", g(update_fault), methods=["PATCH", "PUT"]),
        Route(f"{prefix}/faults/{{fault_id}}", g(remove_fault), methods=["DELETE"]),
        Route(f"{prefix}/reset", g(reset), methods=["POST"]),
        Route(f"{prefix}/audit", g(audit), methods=["GET"]),
        Route(f"{prefix}/types", g(types), methods=["GET"]),
    ]
