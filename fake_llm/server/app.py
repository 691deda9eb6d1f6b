"""The fake provider over HTTP: a thin Starlette adapter around ``Provider``.

Each route reads the body, asks the provider, and turns the result into time and bytes: it waits
``hang_s``, streams frames with their delays, or drops the connection. Every delay is multiplied
by ``latency_scale`` so tests run with 0 and demos with 1.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import secrets
from collections.abc import AsyncIterator, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from fake_llm.errors import InvalidRequest, UnknownModel
from fake_llm.hooks import Flavour, Frame, ProviderError
from fake_llm.provider import (
    CHAT_ROUTE,
    COMPACT_ROUTE,
    COMPLETIONS_ROUTE,
    COUNT_TOKENS_ROUTE,
    EMBEDDINGS_ROUTE,
    INPUT_TOKENS_ROUTE,
    MAX_BODY_BYTES,
    MESSAGES_ROUTE,
    MODERATIONS_ROUTE,
    RESPONSES_ROUTE,
    Provider,
    ProviderResult,
)
from fake_llm.server.protocol import BODY_TIMEOUT_MESSAGE, InlineAnswer
from fake_llm.wire import anthropic, openai

log = logging.getLogger("fake_llm.server")


class DroppedConnection(Exception):
    """Raised inside a response to make the server abort the connection, as a flaky upstream does."""


async def _read_body(receive: Receive) -> bytes:
    """The body, read from ``receive`` directly (``request.stream()``, an async generator, cost
    more to start than a small body takes to read); as ``stream()`` does, a disconnect raises."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        if message["type"] != "http.request":
            continue
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"x" * (MAX_BODY_BYTES + 1)  # the provider answers 413 in the right envelope
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _flavour(path: str) -> Flavour:
    return Flavour.ANTHROPIC if path.startswith(MESSAGES_ROUTE) else Flavour.OPENAI


def _asks_anthropic(scope: Scope) -> bool:
    """Anthropic's clients send ``anthropic-version`` (and ``x-api-key`` without a bearer token);
    routes both providers share (``/v1/models``, unknown paths) answer in the asker's shape."""
    if scope.get("path", "").startswith(MESSAGES_ROUTE):
        return True
    names = {k for k, _ in scope.get("headers", ())}
    return b"anthropic-version" in names or (b"x-api-key" in names and b"authorization" not in names)


def _envelope(scope: Scope, err: ProviderError, param: str | None = None) -> bytes:
    if _asks_anthropic(scope):
        return anthropic.error_body(err, "req_" + secrets.token_hex(12))
    return openai.error_body(err, param)


class EventStream(Response):
    """An SSE stream whose frames are all due at once (no simulated latency): sent chunked as
    a stream is, in one write, without the disconnect-watching task a paced stream needs."""

    media_type = "text/event-stream"

    def __init__(self, frames: list[Frame], status: int, headers: dict[str, str],
                 raw_headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.status_code = status
        self.background = None
        self.body = b"".join(f.data for f in frames)
        self.raw_headers = raw_headers if raw_headers is not None else _raw_headers(headers)
        if "content-type" not in headers:
            self.raw_headers.append((b"content-type", b"text/event-stream"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


class LargeBody(Response):
    """A big answer (131 MB of embeddings) sent in 1 MB pieces under one Content-Length, the loop
    given back after each: a loopback client's buffer takes each piece whole, so flow control never
    paused the writes, and while a heavy request held the GIL every piece's send waited for it
    again; its 126 pieces ran in one loop iteration and /healthz waited 200-250 ms behind them."""

    def __init__(self, body: bytes, status: int, headers: dict[str, str]) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        self.raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
                            if k.lower() != "content-length"]
        self.raw_headers.append((b"content-length", str(len(body)).encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        view = memoryview(self.body)
        for start in range(0, len(view), LARGE_BODY_PIECE):
            end = start + LARGE_BODY_PIECE
            await send({"type": "http.response.body", "body": bytes(view[start:end]), "more_body": end < len(view)})
            await asyncio.sleep(0)


LARGE_BODY_BYTES = 2 * 1024 * 1024
LARGE_BODY_PIECE = 1024 * 1024
HEAVY_BODY_BYTES = 32 * 1024
HEAVY_WORKERS = 1  # one at a time: more threads only fight the event loop for the GIL


def _malloc_trim() -> object:
    name = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None


_TRIM = _malloc_trim()  # glibc only; elsewhere the allocator's own policy stands


def _handle_heavy(provider: Provider, *args: object) -> ProviderResult:
    """One heavy request, then the freed memory handed back to the OS: glibc keeps big freed
    blocks in the worker thread's arena, and 3.9 MB prompts left RSS up by tens of MB for good."""
    try:
        return provider.handle_http(*args)  # type: ignore[arg-type]
    finally:
        if _TRIM is not None:
            _TRIM(0)  # type: ignore[operator]


def is_heavy(path: str, body: bytes) -> bool:
    """Whether answering may take more than a few milliseconds: a big body (long prompts), any
    embeddings request (many inputs, long vectors), anything with a JSON Schema to fill, several
    choices (``n``: up to 128 generated)."""
    return (len(body) > HEAVY_BODY_BYTES or path == EMBEDDINGS_ROUTE or b"schema" in body or b'"tools"' in body
            or b'"n"' in body)


def _headers_of(scope: Scope) -> dict[str, str]:
    """The request headers as the provider reads them (a plain dict, names lower-cased by the
    server, the last of a repeated name winning, as the provider's own lower-casing does):
    Starlette's ``Headers`` decoded every pair again on each ``items()``."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


_NAMES: dict[str, bytes] = {}  # header name -> its lower-cased bytes: a few dozen names, every answer has eleven


def _raw_headers(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    names = _NAMES
    out = []
    for k, v in headers.items():
        name = names.get(k)
        if name is None:
            name = k.lower().encode("latin-1")
            if len(names) < 256:  # names a fault makes up are encoded each time, never kept
                names[k] = name
        out.append((name, v.encode("latin-1")))
    return out


class JsonAnswer(Response):
    """A whole answer with the provider's headers, encoded once, as ``Response`` would encode them
    (its ``init_headers`` re-lowercased and re-scanned the eleven headers of every answer)."""

    def __init__(self, body: bytes, status: int, headers: dict[str, str],
                 raw_headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        raw = raw_headers if raw_headers is not None else _raw_headers(headers)
        names = {name for name, _ in raw}
        if b"content-length" not in names and not (status < 200 or status in (204, 304)):
            raw.append((b"content-length", b"%d" % len(body)))
        if b"content-type" not in names:
            raw.append((b"content-type", b"application/json"))
        self.raw_headers = raw


class ProviderRoutes:
    def __init__(self, provider: Provider, latency_scale: float) -> None:
        self.provider = provider
        self.scale = latency_scale
        self._heavy = ThreadPoolExecutor(HEAVY_WORKERS, thread_name_prefix="firedrill-heavy")

    async def post(self, request: Request) -> Response:
        return await self.answer(request.scope, request.receive)

    async def direct(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A POST to a provider route as an ASGI app of its own (``ProviderApp``)."""
        response = await self.answer(scope, receive)
        await response(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive) -> Response:
        """Light requests are answered on the event loop (a thread hop would cost more than the
        work); heavy ones in a worker thread, so /healthz and everyone else keep being served."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()  # delays count from arrival, not from our own backlog
        body = await _read_body(receive)
        path = scope["path"]  # not request.url: building the URL cost 7% of a request
        args = (_flavour(path), path, _headers_of(scope), body)
        if is_heavy(path, body):
            result = await loop.run_in_executor(self._heavy, _handle_heavy, self.provider, *args)
        else:
            result = self.provider.handle_http(*args)
        return await self.respond(result, arrived)

    def inline(self, scope: Scope, body: bytes) -> InlineAnswer | ASGIApp | None:
        """``answer`` for a request whose body is in, called on the protocol's parser callback: a
        whole answer due at once comes back as bytes to write there; one that must wait (simulated
        latency, a hang), drop the connection or go out in pieces comes back as the ASGI app that
        sends it; a heavy request is None (the usual way, to the worker thread)."""
        path = scope["path"]
        if is_heavy(path, body):
            return None
        arrived = asyncio.get_running_loop().time()
        try:
            result = self.provider.handle_http(_flavour(path), path, _headers_of(scope), body)
        except Exception as exc:  # noqa: BLE001 - answered in the envelope as ProviderErrors answers any bug
            return ProviderErrors(_raising(exc))
        if not result.drop_connection and not (self.scale and (result.hang_s or result.latency_s)):
            now = self._response(result, arrived)  # due now: the response the ASGI path would send
            if isinstance(now, JsonAnswer):
                return result.status, now.raw_headers, cast(bytes, now.body)
            if isinstance(now, EventStream):
                sent = now.body
                chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(sent), sent) if sent else b"0\r\n\r\n"
                return result.status, [*now.raw_headers, (b"transfer-encoding", b"chunked")], chunked

        async def respond(scope: Scope, receive: Receive, send: Send) -> None:
            response = await self.respond(result, arrived)
            await response(scope, receive, send)
        return ProviderErrors(respond)

    async def _until(self, due: float) -> None:
        wait = due - asyncio.get_running_loop().time()
        if wait > 0.002:
            await asyncio.sleep(wait)

    async def respond(self, result: ProviderResult, arrived: float) -> Response:
        if result.hang_s and self.scale:
            await self._until(arrived + result.hang_s * self.scale)
        if result.drop_connection:
            raise DroppedConnection
        if result.frames is None and self.scale and result.latency_s:  # a stream's frames keep their own times
            await self._until(arrived + result.latency_s * self.scale)
        return self._response(result, arrived)

    def _response(self, result: ProviderResult, arrived: float) -> Response:
        """The response that sends ``result`` once it is due (a paced stream paces itself)."""
        if result.frames is not None:
            if not self.scale and not any(f.drop_connection for f in result.frames):
                return EventStream(result.frames, result.status, result.headers, result.raw_headers)
            due = arrived + result.hang_s * self.scale
            return StreamingResponse(self._stream(result.frames, due), status_code=result.status,
                                     headers=result.headers, media_type="text/event-stream")
        if result.body is not None and len(result.body) > LARGE_BODY_BYTES:
            return LargeBody(result.body, result.status, result.headers)
        if result.body is None:
            return Response(None, status_code=result.status, headers=result.headers,
                            media_type=result.headers.get("content-type", "application/json"))
        return JsonAnswer(result.body, result.status, result.headers, result.raw_headers)

    async def _stream(self, frames: list[Frame], due: float) -> AsyncIterator[bytes]:
        """Each frame at its due time on one schedule from the request's arrival, so a busy loop
        never adds up lateness: frames already due go out together, in one write."""
        clock = asyncio.get_running_loop().time
        batch: list[bytes] = []
        for frame in frames:
            if frame.delay_s and self.scale:
                due += frame.delay_s * self.scale
                if due - clock() > 0.002:
                    if batch:
                        yield b"".join(batch)
                        batch = []
                    await self._until(due)
            if frame.drop_connection:
                if batch:
                    yield b"".join(batch)
                raise DroppedConnection
            batch.append(frame.data)
        if batch:
            yield b"".join(batch)

    def _unauthenticated(self, request: Request) -> Response | None:
        flavour = Flavour.ANTHROPIC if _asks_anthropic(request.scope) else Flavour.OPENAI
        result = self.provider.check_key(flavour, request.headers)
        return None if result is None else Response(result.body, status_code=result.status, headers=result.headers)

    async def models(self, request: Request) -> Response:
        if denied := self._unauthenticated(request):
            return denied
        if _asks_anthropic(request.scope):
            try:
                page = anthropic.render_models(self.provider.models(Flavour.ANTHROPIC), request.query_params)
            except InvalidRequest as exc:
                err = ProviderError(exc.status, exc.kind, str(exc))
                return Response(_envelope(request.scope, err), status_code=exc.status, media_type="application/json")
            return JSONResponse(page)
        return JSONResponse(openai.render_models(self.provider.models(Flavour.OPENAI)))

    async def model(self, request: Request) -> Response:
        if denied := self._unauthenticated(request):
            return denied
        name = request.path_params["model"]
        try:
            profile = self.provider.catalog.resolve(name)
        except UnknownModel as exc:
            if _asks_anthropic(request.scope):
                err = ProviderError(404, "not_found", f"model: {name}")
            else:
                err = ProviderError(404, "not_found", str(exc))
            return Response(_envelope(request.scope, err, "model"), status_code=404, media_type="application/json")
        if _asks_anthropic(request.scope):
            return JSONResponse(anthropic.model_entry(name, profile.created))
        return JSONResponse(openai.model_entry(name, profile.created, profile.owned_by))

    async def delete_response(self, request: Request) -> Response:
        return self._plain(self.provider.delete_response(request.path_params["response_id"], request.headers))

    async def cancel_response(self, request: Request) -> Response:
        return self._plain(self.provider.cancel_response(request.path_params["response_id"], request.headers))

    async def input_items(self, request: Request) -> Response:
        return self._plain(self.provider.input_items(request.path_params["response_id"], request.headers,
                                                     request.query_params))

    async def delete_model(self, request: Request) -> Response:
        """``DELETE /v1/models/{model}`` deletes fine-tuned models only: none of ours is one."""
        if denied := self._unauthenticated(request):
            return denied
        name = request.path_params["model"]
        try:
            self.provider.catalog.resolve(name)
        except UnknownModel as exc:
            err = ProviderError(404, "not_found", str(exc))
            return Response(_envelope(request.scope, err, "model"), status_code=404, media_type="application/json")
        err = ProviderError(403, "invalid_request", f"You have insufficient permissions to delete the model '{name}'.")
        return Response(_envelope(request.scope, err, "model"), status_code=403, media_type="application/json")

    async def stored_chat(self, request: Request) -> Response:
        """Stored chat completions: the list, one by id (read, update its metadata, delete), its messages."""
        completion_id = request.path_params.get("completion_id")
        method = request.method
        if request.scope["path"].endswith("/messages") and completion_id is not None:
            method = "messages"
        body = await _read_body(request.receive) if request.method == "POST" else b""
        return self._plain(self.provider.chat_completions(method, completion_id, request.headers,
                                                          request.query_params, body))

    @staticmethod
    def _plain(result: ProviderResult) -> Response:
        return Response(result.body, status_code=result.status, headers=result.headers,
                        media_type="application/json")

    async def stored_response(self, request: Request) -> Response:
        result = self.provider.stored_response(request.path_params["response_id"], request.headers)
        return Response(result.body, status_code=result.status, headers=result.headers,
                        media_type="application/json")

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})


def _raising(exc: Exception) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise exc
    return app


class ProviderErrors:
    """Last line of defence: an unexpected bug still answers in the caller's envelope, never a trace.

    A dropped-connection fault is not an error: it closes the transport without a response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except DroppedConnection:
            if started:
                raise  # mid-stream: uvicorn closes the connection and the client sees it broken
            # Before any response: promise a body and stop short, so the server closes the
            # connection and the client sees a broken read instead of a tidy 500.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"id":', "more_body": True})
        except ClientDisconnect:
            return  # gone before its body was in (or its body timed out): no one to answer, nothing to log
        except Exception:  # noqa: BLE001 - the one place allowed to catch everything
            if started:
                raise
            # The trace goes to the server's log; the caller gets the provider's words, never our internals.
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            err = ProviderError(500, "server_error", "The server had an error while processing your request. "
                                                     "Sorry about that!")
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": _envelope(scope, err)})


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and wrong methods in the provider's JSON envelope, not Starlette's plain text."""
    assert isinstance(exc, HTTPException)
    method, path = request.method, request.scope["path"]
    if exc.status_code == 405:
        if _asks_anthropic(request.scope):
            err = ProviderError(405, "invalid_request", f"Method Not Allowed: {method} {path}")
        else:
            err = ProviderError(405, "invalid_request", f"Invalid method for URL ({method} {path})")
    elif _asks_anthropic(request.scope):
        err = ProviderError(exc.status_code, "not_found", "Not Found")
    else:
        err = ProviderError(exc.status_code, "invalid_request", f"Invalid URL ({method} {path})")
    return Response(_envelope(request.scope, err), status_code=exc.status_code, headers=exc.headers,
                    media_type="application/json")


POST_ROUTES = frozenset({CHAT_ROUTE, MESSAGES_ROUTE, EMBEDDINGS_ROUTE, RESPONSES_ROUTE, INPUT_TOKENS_ROUTE,
                         COMPACT_ROUTE, COUNT_TOKENS_ROUTE, COMPLETIONS_ROUTE, MODERATIONS_ROUTE})


class ProviderApp(Starlette):
    """The provider's Starlette app, whose generating POSTs skip the router on their way in.

    A POST to one of ``POST_ROUTES`` always ends at ``ProviderRoutes.post`` (those routes come
    first and nothing else claims those paths), so it goes there at once, inside the same
    ``ProviderErrors``: Starlette's exception middleware, its router's walk, the route's two
    wrappers and the ``Request`` they build (and three ``send`` wrappers on the way out) took
    about a tenth of a distinct request under cProfile. Everything else, and once other middleware
    is added, goes the whole way.
    """

    direct: ASGIApp | None = None
    routes_obj: ProviderRoutes | None = None

    def _goes_direct(self, scope: Scope) -> bool:
        return (scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in POST_ROUTES
                and not scope.get("root_path") and len(self.user_middleware) == 1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.direct is not None and self._goes_direct(scope):
            scope["app"] = self
            await self.direct(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def timeout_body(self, scope: Scope) -> bytes:
        """The protocol's 408 for a body that stopped coming, in the asker's envelope (Anthropic's
        for ``/v1/messages`` and Anthropic clients, OpenAI's otherwise)."""
        return _envelope(scope, ProviderError(408, "invalid_request", BODY_TIMEOUT_MESSAGE, code="request_timeout"))

    def inline(self, scope: Scope, body: bytes) -> InlineAnswer | ASGIApp | None:
        """The protocol's inline answer (``fake_llm.server.protocol``) to a POST that would go
        ``direct``; None for anything else, which then goes the usual way."""
        if self.routes_obj is None or not self._goes_direct(scope):
            return None
        scope["app"] = self
        return self.routes_obj.inline(scope, body)


def create_app(
    *,
    provider: Provider | None = None,
    latency_scale: float = 1.0,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The fake provider as an ASGI app.

    provider: the ``Provider`` to serve (a default one if omitted); pass one built with chaos
        hooks to inject faults.
    latency_scale: multiplies every simulated delay; 0 answers at once, 1 is real time.
    extra_routes: more routes on the same server (fault admin, drill control, the AI feature).
    """
    routes_obj = ProviderRoutes(provider or Provider(), latency_scale)
    routes = [
        Route(CHAT_ROUTE, routes_obj.post, methods=["POST"]),
        Route(CHAT_ROUTE, routes_obj.stored_chat, methods=["GET"]),
        Route(CHAT_ROUTE + "/{completion_id}", routes_obj.stored_chat, methods=["GET", "POST", "DELETE"]),
        Route(CHAT_ROUTE + "/{completion_id}/messages", routes_obj.stored_chat, methods=["GET"]),
        Route(MESSAGES_ROUTE, routes_obj.post, methods=["POST"]),
        Route(EMBEDDINGS_ROUTE, routes_obj.post, methods=["POST"]),
        Route(COMPLETIONS_ROUTE, routes_obj.post, methods=["POST"]),
        Route(MODERATIONS_ROUTE, routes_obj.post, methods=["POST"]),
        Route(RESPONSES_ROUTE, routes_obj.post, methods=["POST"]),
        Route(INPUT_TOKENS_ROUTE, routes_obj.post, methods=["POST"]),
        Route(COMPACT_ROUTE, routes_obj.post, methods=["POST"]),
        Route(RESPONSES_ROUTE + "/{response_id}", routes_obj.stored_response, methods=["GET"]),
        Route(RESPONSES_ROUTE + "/{response_id}", routes_obj.delete_response, methods=["DELETE"]),
        Route(RESPONSES_ROUTE + "/{response_id}/cancel", routes_obj.cancel_response, methods=["POST"]),
        Route(RESPONSES_ROUTE + "/{response_id}/input_items", routes_obj.input_items, methods=["GET"]),
        Route(COUNT_TOKENS_ROUTE, routes_obj.post, methods=["POST"]),
        Route("/v1/models", routes_obj.models, methods=["GET"]),
        Route("/v1/models/{model:path}", routes_obj.model, methods=["GET"]),
        Route("/v1/models/{model:path}", routes_obj.delete_model, methods=["DELETE"]),
        Route("/healthz", routes_obj.healthz, methods=["GET"]),
        *extra_routes,
    ]
    app = ProviderApp(routes=routes, middleware=[Middleware(ProviderErrors)],
                      exception_handlers={HTTPException: _http_error})
    app.direct = ProviderErrors(routes_obj.direct)
    app.routes_obj = routes_obj
    app.state.provider = routes_obj.provider
    app.state.latency_scale = latency_scale
    return app
