"""Proxy mode: a team's real app, its real provider, and firedrill's faults in between.

Forwards OpenAI- and Anthropic-format traffic to an upstream (headers and auth passed through,
streams relayed chunk by chunk) and applies the same fault engine at the same stages:
PROVIDER_REQUEST before forwarding, PROVIDER_RESPONSE on the upstream's JSON, STREAM on the
upstream's SSE events. GENERATION-stage faults act on the simulated model's reply and have no
meaning against a real model: they are not applied here (``firedrill proxy`` says so at start).

Real money and real users may be behind it, so there are guardrails: a request budget, a token
budget and an error-rate ceiling that clear every fault and say so when crossed, and a dry run
that logs what it would inject without injecting.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from chaos.admin import admin_routes
from chaos.engine import FaultEngine
from fake_llm.hooks import Exchange, Flavour, Frame, RequestInfo, Stage
from fake_llm.server.app import DroppedConnection, ProviderErrors
from fake_llm.wire import anthropic, openai

log = logging.getLogger("firedrill.proxy")
HOP_BY_HOP = {
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
    "accept-encoding",
    "content-encoding",
}
NOT_IN_PROXY = {Stage.GENERATION}


@dataclass
class Guardrails:
    max_requests: int | None = None
    max_tokens: int | None = None
    max_error_rate: float | None = None
    min_requests: int = 20
    requests: int = 0
    tokens: int = 0
    errors: int = 0
    tripped: str | None = None
    messages: list[str] = field(default_factory=list)

    def check(self, engine: FaultEngine) -> None:
        reason = None
        if self.max_requests is not None and self.requests >= self.max_requests:
            reason = f"request budget of {self.max_requests} reached"
        elif self.max_tokens is not None and self.tokens >= self.max_tokens:
            reason = f"token budget of {self.max_tokens} reached ({self.tokens} used)"
        elif (
            self.max_error_rate is not None
            and self.requests >= self.min_requests
            and self.errors / self.requests > self.max_error_rate
        ):
            reason = f"error rate {self.errors / self.requests:.0%} above the {self.max_error_rate:.0%} ceiling"
        if reason and engine.list():
            removed = engine.reset()
            self.tripped = reason
            message = f"guardrail tripped: {reason}; cleared {len(removed)} fault(s), traffic now passes untouched"
            self.messages.append(message)
            log.warning(message)


class Proxy:
    def __init__(
        self, upstream: str, engine: FaultEngine, *, guard: Guardrails | None = None, dry_run: bool = False
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.engine = engine
        self.guard = guard or Guardrails()
        self.dry_run = dry_run
        self.would_inject: list[str] = []
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(600, connect=5))
        self._n = 0

    def _apply(self, stage: Stage, ex: Exchange) -> None:
        if stage in NOT_IN_PROXY:
            return
        if not self.dry_run:
            self.engine.apply(stage, ex)
            return
        shadow = copy.deepcopy(ex)
        self.engine.apply(stage, shadow)
        for fault_id in shadow.injected:
            self.would_inject.append(f"{fault_id} at {stage.value} on {ex.info.route}")
            log.info("dry run: would inject %s at %s on %s", fault_id, stage.value, ex.info.route)

    async def handle(self, request: Request) -> Response:
        raw = await request.body()
        flavour = Flavour.ANTHROPIC if request.url.path.startswith("/v1/messages") else Flavour.OPENAI
        try:
            body: dict[str, Any] = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        self._n += 1
        self.guard.requests += 1
        self.guard.check(self.engine)
        text = ""
        found = body.get("messages")
        messages: list[Any] = found if isinstance(found, list) else []
        for m in reversed(messages):
            if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str):
                text = m["content"]
                break
        headers = {k.lower(): v for k, v in request.headers.items()}
        info = RequestInfo(
            key=f"proxy-{self._n}",
            flavour=flavour,
            route=request.url.path,
            model=str(body.get("model", "")),
            headers=headers,
            text=text,
            segment=headers.get("x-firedrill-segment"),
            topic=headers.get("x-firedrill-topic"),
        )
        ex = Exchange(info=info, body=body, model_version=str(body.get("model", "")))
        self._apply(Stage.PROVIDER_REQUEST, ex)
        if ex.hang_s:
            await asyncio.sleep(ex.hang_s)
        if ex.drop_connection:
            raise DroppedConnection
        if ex.error is not None:
            self.guard.errors += 1
            payload = (
                anthropic.error_body(ex.error, f"req_proxy{self._n}")
                if flavour is Flavour.ANTHROPIC
                else openai.error_body(ex.error)
            )
            return Response(
                payload, status_code=ex.error.status, headers=ex.error.headers, media_type="application/json"
            )
        if ex.extra_ttft_s:
            await asyncio.sleep(ex.extra_ttft_s)
        forward = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        url = self.upstream + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        upstream_request = self.client.build_request(request.method, url, headers=forward, content=raw)
        upstream = await self.client.send(upstream_request, stream=True)
        out_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        if upstream.status_code >= 400:
            self.guard.errors += 1
        if "text/event-stream" in upstream.headers.get("content-type", ""):
            return StreamingResponse(self._relay(upstream, ex), status_code=upstream.status_code, headers=out_headers)
        content = await upstream.aread()
        await upstream.aclose()
        try:
            ex.wire = json.loads(content)
        except ValueError:
            return Response(content, status_code=upstream.status_code, headers=out_headers)
        if isinstance(ex.wire, dict):
            usage = ex.wire.get("usage") or {}
            self.guard.tokens += int(
                usage.get("total_tokens") or (usage.get("input_tokens", 0) or 0) + (usage.get("output_tokens", 0) or 0)
            )
            self._apply(Stage.PROVIDER_RESPONSE, ex)
        payload = ex.raw_body if ex.raw_body is not None else json.dumps(ex.wire).encode()
        return Response(payload, status_code=upstream.status_code, headers=out_headers)

    async def _relay(self, upstream: httpx.Response, ex: Exchange) -> AsyncIterator[bytes]:
        """Chunk by chunk; only when a stream fault is configured are the events gathered first."""
        try:
            if not any(f.stage is Stage.STREAM for f in self.engine.list()):
                async for chunk in upstream.aiter_raw():
                    yield chunk
                return
            buffer = b""
            async for chunk in upstream.aiter_raw():
                buffer += chunk
            ex.frames = [Frame(part + b"\n\n") for part in buffer.split(b"\n\n") if part.strip()]
            self._apply(Stage.STREAM, ex)
            for frame in ex.frames:
                if frame.delay_s:
                    await asyncio.sleep(frame.delay_s)
                if frame.drop_connection:
                    raise DroppedConnection
                yield frame.data
        finally:
            await upstream.aclose()


def create_proxy_app(proxy: Proxy, *, admin_token: str) -> Starlette:
    routes = [
        Route(path, proxy.handle, methods=["POST", "GET"])
        for path in (
            "/v1/chat/completions",
            "/v1/messages",
            "/v1/embeddings",
            "/v1/responses",
            "/v1/models",
            "/v1/models/{model:path}",
        )
    ]
    app = Starlette(routes=[*routes, *admin_routes(proxy.engine, admin_token)], middleware=[Middleware(ProviderErrors)])
    app.state.proxy = proxy
    return app
