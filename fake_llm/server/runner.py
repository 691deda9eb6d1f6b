"""Serving an ASGI app: the one way every firedrill server binds, configures and runs uvicorn.

The provider (``firedrill serve``), the proxy, live drills, the library and the test fixtures all
come through here, so they share the same socket options and limits (see ``protocol``).
"""

from __future__ import annotations

import resource
import socket
import sys
import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from fake_llm.server.protocol import (
    EVICT_SLACK,
    HEADER_TIMEOUT_S,
    MAX_CONNECTIONS,
    ConnectionGuard,
    GuardedListener,
    guarded_protocol,
)

KEEP_ALIVE_S = 5
FD_RESERVE = 64  # descriptors kept free for log files, the database and outgoing connections


def listen_socket(host: str, port: int, *, max_connections: int | None = None) -> GuardedListener:
    """A bound TCP socket that admits at most ``connection_cap()`` connections.

    Created with ``IPPROTO_TCP`` (not 0) so asyncio recognises the accepted sockets as TCP and
    sets ``TCP_NODELAY`` on them too.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = GuardedListener(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.arm(ConnectionGuard(connection_cap(max_connections)))
    return sock


def connection_cap(wanted: int | None = None) -> int:
    """At most ``wanted`` (``MAX_CONNECTIONS`` by default), and always below the process's
    open-file limit, with room for the connections being closed to make room."""
    cap = wanted or MAX_CONNECTIONS
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return cap
    return max(1, min(cap, soft - FD_RESERVE - EVICT_SLACK))


def server_config(app: ASGIApp, sock: GuardedListener, *, log_level: str = "warning",
                  header_timeout_s: float = HEADER_TIMEOUT_S, graceful_shutdown_s: int | None = None
                  ) -> uvicorn.Config:
    """uvicorn settings shared by every firedrill server: the guarded protocol, keep-alive and
    header timeouts, the listening socket's connection cap, no lifespan."""
    return uvicorn.Config(
        app, log_level=log_level, lifespan="off",
        loop="asyncio",  # not uvloop: its accept() in C would bypass the listening socket's cap
        http=guarded_protocol(header_timeout_s=header_timeout_s, guard=sock.guard),
        access_log=log_level in ("trace", "debug", "info"),  # formatting it cost even when filtered out
        proxy_headers=False,  # nothing here sits behind a proxy: a client's X-Forwarded-For is not believed
        timeout_keep_alive=KEEP_ALIVE_S, limit_concurrency=sock.guard.cap + EVICT_SLACK + 1,
        timeout_graceful_shutdown=graceful_shutdown_s,
    )


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


SWITCH_INTERVAL_S = 0.001


def serve(app: ASGIApp, sock: GuardedListener, *, log_level: str = "warning") -> None:
    """Run ``app`` on ``sock`` (from ``listen_socket``) in the foreground until interrupted.

    The process is the server's alone, so it may tune the interpreter: a heavy request answered
    in a worker thread gives the event loop the GIL back after 1 ms instead of the default 5.
    """
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    uvicorn.Server(server_config(app, sock, log_level=log_level)).run(sockets=[sock])


class ServerThread:
    """``with ServerThread(app) as srv: srv.url`` — uvicorn on 127.0.0.1, port 0 by default."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning",
                 header_timeout_s: float = HEADER_TIMEOUT_S, max_connections: int | None = None):
        self.host = host
        self._sock = listen_socket(host, port, max_connections=max_connections)
        self.port: int = self._sock.getsockname()[1]
        config = server_config(app, self._sock, log_level=log_level, header_timeout_s=header_timeout_s,
                               graceful_shutdown_s=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"firedrill-server-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return url_of(self._sock)

    def start(self, timeout_s: float = 10.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.url} did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
