"""The facilitator's fault API: list, add, update, remove faults, reset; every change audited.

Guarded by a bearer token responders do not have. Faults are built only through the registry,
so the API, the YAML files and the library share one way in.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chaos.engine import FaultEngine
from chaos.errors import FaultError, FiredrillError
from chaos.faults.registry import FAULT_TYPES, build_fault
from chaos.http_errors import error_response, refused

Handler = Callable[[Request], Awaitable[Response]]


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
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise FaultError("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise FaultError("the request body must be a JSON object")
    return body


def spec_to_fault(engine: FaultEngine, body: dict[str, Any], fault_id: str | None = None) -> Any:
    unknown = set(body) - {"type", "id", "params", "target", "start_s", "stop_s"}
    if unknown:
        raise FaultError(f"unknown fields {sorted(unknown)}; allowed: type, id, params, target, start_s, stop_s")
    if not isinstance(body.get("type"), str):
        raise FaultError(f"'type' is required; known types: {', '.join(sorted(FAULT_TYPES))}")
    fid = fault_id or body.get("id") or engine.new_id(body["type"])
    now = engine.clock()
    start = body.get("start_s")
    stop = body.get("stop_s")
    return build_fault(body["type"], id=str(fid), params=body.get("params") or {}, target=body.get("target") or {},
                       start_s=None if start is None else now + float(start),
                       stop_s=None if stop is None else now + float(stop), seed=engine.seed)


def admin_routes(engine: FaultEngine, *tokens: str, prefix: str = "/admin") -> list[Route]:
    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": [f.to_dict() for f in engine.list()], "now_s": engine.clock()})

    async def add_fault(request: Request) -> Response:
        fault = engine.add(spec_to_fault(engine, await _json(request)))
        return JSONResponse(fault.to_dict(), status_code=201)

    async def update_fault(request: Request) -> Response:
        fault_id = request.path_params["fault_id"]
        current = engine.get(fault_id).to_dict()
        body = {"type": current["type"], "params": current["params"], "target": current["target"],
                **await _json(request)}
        body.pop("id", None)
        return JSONResponse(engine.replace(spec_to_fault(engine, body, fault_id)).to_dict())

    async def remove_fault(request: Request) -> Response:
        return JSONResponse(engine.remove(request.path_params["fault_id"]).to_dict())

    async def reset(request: Request) -> Response:
        return JSONResponse({"removed": [f.id for f in engine.reset()]})

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
