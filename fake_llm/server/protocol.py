"""The HTTP/1.1 protocol every firedrill server speaks: uvicorn's httptools protocol with its guards.

httptools (a C parser) rather than h11: h11 validates every response header in Python, which
cost a fifth of a non-streaming request.

- ``TCP_NODELAY`` on every accepted socket. Without it a keep-alive client waits for its own
  40 ms delayed ACK between the header write and the body write of each response.
- A header-read timeout. uvicorn only times out idle keep-alive connections *after* a response;
  a client that connects and never finishes its request line (a half-open socket, slowloris)
  would hold a file descriptor for ever. Here the clock runs from the first byte (or the
  connection) until the request head is in.
- A body-read timeout. A request head that promises a body (``Content-Length: 100``) and then
  sends nothing held its connection, and a slot under the cap, for ever: busy with a request, it
  could not be evicted. The body must keep coming: after ``header_timeout_s`` without a byte of
  it the client gets 408 and the connection is closed (nginx's ``client_body_timeout``), its body
  in the envelope the app's ``timeout_body(scope)`` gives (the asker's provider's), if it has one.
- One write per response: the head is held until the body's first write in the same loop step
  (or the next loop iteration, whichever comes first), so a whole answer leaves in one ``send``
  and one TCP segment instead of two (uvicorn writes the head and the body separately).
- Answers made inline: an app with an ``inline(scope, body)`` method (``fake_llm.server.app``) is
  handed a small request once its body is in, on the parser's callback, before any task exists;
  what it answers at once (status, headers, body) is written there, and anything else it returns
  is the ASGI app that answers the request instead, on uvicorn's usual task. The task, the ASGI
  messages and their checks cost a fifth of a distinct chat completion.
- A connection cap, enforced by the listening socket itself (``GuardedListener.accept``), before
  asyncio makes a transport: the descriptor count stays below the process limit, so ``accept``
  never fails with "Too many open files" (asyncio 3.11 then logs one traceback per pending
  connection and re-arms itself once per failure: a flood of half-open sockets filled 91 MB of
  log). At the cap, the connection that has waited longest for a request head (half-open or idle
  keep-alive) is closed to make room, so a flood of silent sockets cannot lock out /healthz or a
  real client; only when every connection is busy with a request is the new one refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any, ClassVar, cast

from starlette.types import ASGIApp, Scope
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

HEADER_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 1000
EVICT_SLACK = 64  # connections over the cap while others close to make room
ACCEPT_BURST = 64  # accepts per loop tick, so new connections register before the next burst
REFUSE_BURST = 256  # refusals per accept call before asyncio gets the loop back

log = logging.getLogger("firedrill.server")


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # the peer may already be gone
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class ConnectionGuard:
    """Admission for one listening socket: how many connections are open, and which of them are
    only waiting for a request head (oldest first), so one of those can make room at the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.open = 0
        self.waiting: dict[_Guarded, None] = {}  # insertion order = waiting longest first
        self.closing = 0  # closed to make room, descriptor not given back yet
        self.pending = 0  # accepted, connection not made yet (so not known to be idle or busy)
        self._full_since: float | None = None
        self.evicted = 0
        self.refused = 0
        self._warned_at = -1e9

    def full(self) -> bool:
        return self.open >= self.cap + EVICT_SLACK

    def should_defer(self) -> bool:
        """Full, but accepted connections are still being made: leave new ones in the kernel's
        queue for a tick or two (up to half a second) rather than refuse them unseen."""
        if not self.full() or not self.pending:
            self._full_since = None
            return False
        now = time.monotonic()
        if self._full_since is None:
            self._full_since = now
        return now - self._full_since < 0.5

    def admit(self) -> bool:
        """Count a new connection in, or refuse it when even the slack is used up.

        Over the cap, the longest-waiting idle connections are closed to make room, now or as soon
        as some register (a burst is accepted before its connections are made)."""
        if self.full():
            self.refused += 1
            self._warn("refusing new connections")
            return False
        self.open += 1
        self.pending += 1
        self.settle()
        return True

    def made(self) -> None:
        self.pending = max(0, self.pending - 1)

    def settle(self) -> None:
        """Close the longest-waiting idle connections while more than ``cap`` would stay open."""
        while self.open - self.closing > self.cap and self.waiting:
            oldest = next(iter(self.waiting))
            self.closing += 1
            self.evicted += 1
            oldest.evict()
            self._warn("closing connections that have not sent a request")

    def release(self, *, evicted: bool) -> None:
        self.open -= 1
        if evicted:
            self.closing -= 1

    def _warn(self, what: str) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 10:  # one line per 10 s at most: a flood must not fill the log
            self._warned_at = now
            log.warning("%d connections open (the cap is %d): %s (evicted %d, refused %d so far)",
                        self.open, self.cap, what, self.evicted, self.refused)


class GuardedListener(socket.socket):
    """A listening TCP socket whose ``accept`` admits connections through a ``ConnectionGuard``.

    asyncio calls ``accept`` in a loop each time the socket is readable; a refused connection is
    closed here, before any transport exists. If descriptors run out anyway (other open files),
    a spare descriptor is given up to accept and close one pending connection, so the kernel
    queue drains instead of asyncio spinning on EMFILE.
    """

    guard: ConnectionGuard
    _spare_fd: int

    def arm(self, guard: ConnectionGuard) -> None:
        self.guard = guard
        self._spare_fd = os.open(os.devnull, os.O_RDONLY)
        self._burst = 0

    def accept(self) -> tuple[socket.socket, Any]:
        if self._burst >= ACCEPT_BURST:
            raise ConnectionAbortedError  # asyncio: stop for this tick, the rest come next tick
        if self._burst == 0:
            asyncio.get_running_loop().call_soon(self._new_burst)
        self._burst += 1
        for _ in range(REFUSE_BURST):
            if self.guard.should_defer():
                raise ConnectionAbortedError
            try:
                conn, addr = super().accept()
            except OSError as exc:
                if exc.errno not in (errno.EMFILE, errno.ENFILE):
                    raise
                self._shed_one()
                raise ConnectionAbortedError from None  # asyncio: stop accepting for this tick
            if self.guard.admit():
                return conn, addr
            conn.close()
        raise ConnectionAbortedError  # more refusals are left for the next tick

    def _new_burst(self) -> None:
        self._burst = 0

    def _shed_one(self) -> None:
        self.guard.refused += 1
        self.guard._warn("out of file descriptors; refusing new connections")
        os.close(self._spare_fd)
        try:
            fd, _ = self._accept()  # type: ignore[attr-defined]  # socket.socket._accept: the raw fd, no socket object
            os.close(fd)
        except OSError:
            pass
        finally:
            self._spare_fd = os.open(os.devnull, os.O_RDONLY)

    def close(self) -> None:
        spare = getattr(self, "_spare_fd", -1)
        if spare >= 0:
            self._spare_fd = -1
            os.close(spare)
        super().close()


class _Guarded:
    """The guards, apart from the parser's callbacks that call them: ``_made`` / ``_lost`` /
    ``_head_pending`` / ``_head_in`` / ``_idle_again``."""

    header_timeout_s: ClassVar[float] = HEADER_TIMEOUT_S
    guard: ClassVar[ConnectionGuard | None] = None
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: RequestResponseCycle  # the request being read (None before the first), as uvicorn types it

    def _guard_init(self, timeout_body: Callable[[Scope], bytes] | None = None) -> None:
        self._timeout_body = timeout_body  # the app's own 408 body for a request's scope (its envelope)
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._body_seen = 0.0
        self._evicted = False
        self._awaiting_head = True

    def _made(self) -> None:
        if self.guard is not None:
            self.guard.made()
        set_nodelay(self.transport)
        self._arm_header_timer()
        self._wait_for_head()

    def _lost(self) -> None:
        self._cancel_header_timer()
        self._body_in()
        if self.guard is not None:
            self.guard.waiting.pop(self, None)  # type: ignore[call-overload]
            self.guard.release(evicted=self._evicted)

    def _head_pending(self) -> None:
        """Bytes came and the head is still not complete: from now the header timeout runs.
        (A head that arrives whole in one read, the common case, never needs a timer.)"""
        if self._awaiting_head and self._header_timer is None and not self.transport.is_closing():
            self._arm_header_timer()

    def _head_in(self) -> None:
        self._awaiting_head = False
        self._cancel_header_timer()
        if self.guard is not None:
            self.guard.waiting.pop(self, None)  # type: ignore[call-overload]

    def _idle_again(self) -> None:
        """Kept alive after a response: first in line to make room at the cap."""
        self._awaiting_head = True
        self._wait_for_head()

    def evict(self) -> None:
        """Close this connection to make room: it has sent no request head for the longest."""
        self._evicted = True
        if self.guard is not None:
            self.guard.waiting.pop(self, None)  # type: ignore[call-overload]
        self._cancel_header_timer()
        self.transport.abort()

    def _wait_for_head(self) -> None:
        if self.guard is not None:
            self.guard.waiting.pop(self, None)  # type: ignore[call-overload]
            self.guard.waiting[self] = None  # type: ignore[index]
            self.guard.settle()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _body_pending(self) -> None:
        """Bytes came and the request's body is still not all in: the body timeout runs from now.
        (A body that arrives with its head, the common case, never needs a timer.)"""
        self._body_seen = self.loop.time()
        if self._body_timer is None and not self.transport.is_closing():
            self._body_timer = self.loop.call_at(self._body_seen + self.header_timeout_s, self._body_timed_out)

    def _body_in(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_timed_out(self) -> None:
        self._body_timer = None
        due = self._body_seen + self.header_timeout_s
        if self.loop.time() < due:  # a byte came since the timer was set: wait from that byte
            self._body_timer = self.loop.call_at(due, self._body_timed_out)
            return
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            envelope = self._timeout_body
            body = envelope(cast(Scope, self.cycle.scope)) if envelope and self.cycle else BODY_TIMEOUT_BODY
            self.transport.write(_BODY_TIMEOUT_HEAD % len(body) + body)
        self.transport.close()

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self._awaiting_head and not self.transport.is_closing():
            self.transport.close()


BODY_TIMEOUT_MESSAGE = "The request body did not arrive: nothing of it for the server's body timeout."
BODY_TIMEOUT_BODY = (b'{"error":{"message":"%s","type":"invalid_request_error","param":null,"code":"request_timeout"}}'
                     % BODY_TIMEOUT_MESSAGE.encode())  # what an app with no ``timeout_body`` of its own answers
_BODY_TIMEOUT_HEAD = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                      b"content-length: %d\r\n\r\n")


class _HeadWithBody:
    """The transport as one response's cycle sees it: its first write (the status line and
    headers) is held and goes out with the next write, or on the next loop iteration when no
    body follows at once (a paced stream's head is not held back behind its first frame)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._wrote = False

    def write(self, data: bytes) -> None:
        if not self._wrote:
            self._wrote = True
            self._held = data
            self._loop.call_soon(self._flush)
            return
        if self._held is not None:
            data, self._held = self._held + data, None
        self._transport.write(data)

    def _flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._flush()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


InlineAnswer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers (with content-length), body
Inline = Callable[[Scope, bytes], "InlineAnswer | ASGIApp | None"]
INLINE_MAX_BODY = 32 * 1024  # bigger bodies go the usual way: theirs is read as it comes, with flow control


class GuardedHttpToolsProtocol(_Guarded, HttpToolsProtocol):
    """uvicorn's httptools protocol with TCP_NODELAY, a header-read timeout and a connection cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard_init(getattr(self.app, "timeout_body", None))
        self._inline: Inline | None = getattr(self.app, "inline", None)
        self._deferred: tuple[RequestResponseCycle, ASGIApp] | None = None

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGIApp) -> None:  # type: ignore[override]
        if self._inline is not None and cycle.more_body and _inline_fits(cycle):
            self._deferred = (cycle, app)  # answered in on_message_complete, when its body is in
            return
        super()._start_asgi_task(cycle, app)  # type: ignore[arg-type]

    def _answer_deferred(self, inline: Inline, cycle: RequestResponseCycle, app: ASGIApp) -> None:
        if cycle.disconnected:
            return
        answer = inline(cast(Scope, cycle.scope), bytes(cycle.body))
        if not isinstance(answer, tuple):
            super()._start_asgi_task(cycle, answer or app)  # type: ignore[arg-type]
            return
        status, headers, body = answer
        head = [STATUS_LINE[status]]
        for name, value in [*cycle.default_headers, *headers]:
            head += [name, b": ", value, b"\r\n"]
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head += [b"\r\n", body]
        cycle.response_started = cycle.response_complete = True
        cycle.body = bytearray()
        if cycle.access_log:
            scope = cycle.scope
            cycle.access_logger.info('%s - "%s %s HTTP/%s" %d', get_client_addr(scope), scope["method"],
                                     get_path_with_query_string(scope), scope["http_version"], status)
        self.transport.write(b"".join(head))
        if not cycle.keep_alive:
            self.transport.close()
        cycle.on_response()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._made()

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost()
        self._deferred = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._awaiting_head:
            self._head_pending()
        elif self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete:
            self._body_pending()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._body_in()
        deferred, self._deferred = self._deferred, None
        if deferred is not None and self._inline is not None:
            self._answer_deferred(self._inline, *deferred)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._head_in()
        if self.cycle is not None and self.cycle.transport is self.transport:
            self.cycle.transport = _HeadWithBody(self.transport, self.loop)  # type: ignore[assignment]

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None and not self.transport.is_closing():
            self._idle_again()  # no pipelined request was started


def _inline_fits(cycle: RequestResponseCycle) -> bool:
    """A POST over HTTP/1.1 with a small declared body and no ``Expect: 100-continue``."""
    scope = cycle.scope
    if scope["method"] != "POST" or scope["http_version"] != "1.1" or cycle.waiting_for_100_continue:
        return False
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.isdigit() and int(value) <= INLINE_MAX_BODY
    return False


def guarded_protocol(*, header_timeout_s: float = HEADER_TIMEOUT_S, guard: ConnectionGuard | None = None,
                     ) -> type[GuardedHttpToolsProtocol]:
    """A protocol class with these limits, for ``uvicorn.Config(http=...)``."""
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,),
                {"header_timeout_s": header_timeout_s, "guard": guard})
