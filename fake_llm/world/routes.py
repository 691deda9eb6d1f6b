"""The AI feature over HTTP (POST /v1/assistant/ask) and its metrics in Prometheus text format."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fake_llm.errors import InvalidRequest
from fake_llm.wire.limits import parse_body
from fake_llm.world.alerts import ALERT_NAMES
from fake_llm.world.feature import Answer
from fake_llm.world.world import World


def prometheus(world: World) -> str:
    m = world.metrics(record=False)
    lines = []
    for name, help_text, value in (
        ("firedrill_request_rate", "Requests per second over the window", m.request_rate),
        ("firedrill_error_rate", "Share of requests that failed", m.error_rate),
        ("firedrill_refusal_rate", "Share of requests the model refused", m.refusal_rate),
        ("firedrill_latency_p50_ms", "Median latency in milliseconds", m.p50_ms),
        ("firedrill_latency_p99_ms", "99th percentile latency in milliseconds", m.p99_ms),
        ("firedrill_quality", "Sampling judge pass rate", -1.0 if m.quality is None else m.quality),
        ("firedrill_cost_per_minute_usd", "Model cost per minute", m.cost_per_min),
        ("firedrill_avg_context_tokens", "Average prompt tokens", m.avg_context_tokens),
        ("firedrill_index_age_seconds", "Seconds since the index was built", m.index_age_s),
    ):
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:.6g}"]
    lines += ["# HELP firedrill_alert_firing 1 while the alert fires", "# TYPE firedrill_alert_firing gauge"]
    for alert in ALERT_NAMES:
        lines.append(f'firedrill_alert_firing{{alert="{alert}"}} {int(alert in world.telemetry.firing)}')
    return "\n".join(lines) + "\n"


def world_routes(
    world: World, *, lock: threading.RLock | None = None, on_answer: Callable[[Answer], None] | None = None,
    authorize: Callable[[Request], bool] | None = None,
) -> list[Route]:
    """The feature's routes. ``authorize`` (a live drill's token check) decides who may ask: in a drill
    every answer counts in the blast radius, so only holders of a drill token may add to it."""
    guard: Callable[[], AbstractContextManager[Any]] = (lambda: lock) if lock is not None else nullcontext

    async def ask(request: Request) -> Response:
        if authorize is not None and not authorize(request):
            return JSONResponse({"error": {"type": "unauthorized", "message": "missing or wrong token: send "
                                           "Authorization: Bearer <a drill token>"}}, status_code=401)
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return JSONResponse({"error": {"type": "unsupported_media_type",
                                           "message": "send the question as JSON (Content-Type: application/json)"}},
                                status_code=415)
        try:
            body = parse_body(await request.body())
            question = str(body["question"]).strip()
        except (InvalidRequest, KeyError, TypeError) as exc:
            why = f"{exc} " if isinstance(exc, InvalidRequest) else ""
            return JSONResponse({"error": {"type": "invalid_request",
                                           "message": why + 'send JSON {"question": "...", "user": "..."}'}},
                                status_code=400)
        if not question or len(question) > 2000:
            return JSONResponse({"error": {"message": "question must be 1 to 2000 characters"}}, status_code=400)
        user = str(body.get("user") or "http-user")[:60]
        segment = str(body.get("segment") or "free")[:30]
        with guard():
            answer = world.ask(user=user, segment=segment, question=world.question_for(question))
            if on_answer is not None:
                on_answer(answer)
        return JSONResponse(
            {
                "trace_id": answer.trace_id,
                "status": answer.status,
                "answer": answer.text,
                "sources": answer.sources,
                "latency_ms": round(answer.latency_s * 1000, 1),
            }
        )

    async def metrics(request: Request) -> Response:
        with guard():
            text = prometheus(world)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    return [Route("/v1/assistant/ask", ask, methods=["POST"]), Route("/metrics", metrics, methods=["GET"])]
