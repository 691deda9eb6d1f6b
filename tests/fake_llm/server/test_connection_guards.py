"""Every firedrill server sets TCP_NODELAY, closes connections that never finish their request
head, and refuses connections over its cap instead of running out of file descriptors."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from fake_llm import ServerThread, create_app
from fake_llm.server.runner import listen_socket


@pytest.fixture
def guarded() -> Iterator[ServerThread]:
    with ServerThread(create_app(latency_scale=0), header_timeout_s=0.3, max_connections=4) as srv:
        yield srv


def _connect(srv: ServerThread) -> socket.socket:
    return socket.create_connection((srv.host, srv.port), timeout=5)


def _healthz(sock: socket.socket) -> bytes:
    """One whole /healthz exchange on ``sock`` (head and body may arrive in separate packets)."""
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while not data.endswith(b"}"):
        data += sock.recv(4096)
    return data


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def test_the_listening_socket_is_tcp_so_asyncio_sets_nodelay_on_accepted_sockets() -> None:
    sock = listen_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()


def test_accepted_connections_have_tcp_nodelay(guarded: ServerThread) -> None:
    with httpx.Client(base_url=guarded.url) as client:
        assert client.get("/healthz").status_code == 200
        protocols = list(guarded._server.server_state.connections)
        assert protocols
        for proto in protocols:
            sock = proto.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_a_half_open_socket_is_closed_after_the_header_timeout(guarded: ServerThread) -> None:
    silent = _connect(guarded)
    partial = _connect(guarded)
    partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes its head
    try:
        assert _closed_by_server(silent)
        assert _closed_by_server(partial)
    finally:
        silent.close()
        partial.close()


def test_a_slow_second_request_on_a_kept_alive_connection_is_closed_too(guarded: ServerThread) -> None:
    sock = _connect(guarded)
    try:
        assert b"200 OK" in _healthz(sock)
        sock.sendall(b"GET /heal")  # the next request starts and stalls
        assert _closed_by_server(sock)
    finally:
        sock.close()


def test_connections_over_the_cap_are_refused_and_the_server_stays_up() -> None:
    # a header timeout far longer than the socket timeout: only the cap can close the extra one
    with ServerThread(create_app(latency_scale=0), header_timeout_s=60, max_connections=4) as srv:
        held = [_connect(srv) for _ in range(4)]
        extra = _connect(srv)
        try:
            assert _closed_by_server(extra)
            assert b"200 OK" in _healthz(held[0])
        finally:
            extra.close()
            for sock in held:
                sock.close()
