"""Every firedrill server sets TCP_NODELAY, closes connections that never finish their request
head, and refuses connections over its cap instead of running out of file descriptors."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

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


def test_a_body_that_stops_coming_gets_408_and_the_connection_is_closed(guarded: ServerThread) -> None:
    sock = _connect(guarded)
    try:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\"")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b'"code":"request_timeout"' in answer
    finally:
        sock.close()
    with httpx.Client(base_url=guarded.url) as client:  # and the server goes on answering
        assert client.get("/healthz").status_code == 200


def test_the_408_of_an_anthropic_request_is_in_anthropics_envelope(guarded: ServerThread) -> None:
    sock = _connect(guarded)
    try:
        sock.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: sk-test\r\n"
                     b"anthropic-version: 2023-06-01\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"model\"")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    finally:
        sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    error = json.loads(body)
    assert error["type"] == "error" and error["error"]["type"] == "invalid_request_error"
    assert "did not arrive" in error["error"]["message"]


def test_a_slow_body_that_keeps_coming_is_read_whole(guarded: ServerThread) -> None:
    body = b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "What are the support hours?"}]}'
    sock = _connect(guarded)
    try:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        for i in range(0, len(body), 20):  # 0.6 s in all, twice the timeout, never 0.3 s without a byte
            time.sleep(0.12)
            sock.sendall(body[i:i + 20])
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200 ")
    finally:
        sock.close()


def test_at_the_cap_the_connection_silent_longest_makes_room_for_a_new_one() -> None:
    # a header timeout far longer than the socket timeout: only the cap can close a connection
    with ServerThread(create_app(latency_scale=0), header_timeout_s=60, max_connections=4) as srv:
        held = [_connect(srv) for _ in range(4)]
        try:
            for sock in held:  # one exchange each, in order: then they idle, oldest first
                assert b"200 OK" in _healthz(sock)
            newcomer = _connect(srv)
            assert b"200 OK" in _healthz(newcomer)
            assert _closed_by_server(held[0])
            assert b"200 OK" in _healthz(held[1])
            newcomer.close()
        finally:
            for sock in held:
                sock.close()


def test_when_every_connection_is_busy_with_a_request_a_new_one_is_closed() -> None:
    with ServerThread(create_app(latency_scale=0), header_timeout_s=60, max_connections=4) as srv:
        busy = [_connect(srv) for _ in range(4)]
        try:
            for sock in busy:  # a request head in, its body still to come: not evictable
                assert b"200 OK" in _healthz(sock)
                sock.sendall(b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            extra = _connect(srv)
            assert _closed_by_server(extra)
            extra.close()
        finally:
            for sock in busy:
                sock.close()


def test_a_flood_of_half_open_sockets_past_the_cap_leaves_the_server_answering() -> None:
    with ServerThread(create_app(latency_scale=0), header_timeout_s=60, max_connections=16) as srv:
        flood = [_connect(srv) for _ in range(200)]
        try:
            with httpx.Client(base_url=srv.url) as client:
                assert client.get("/healthz").status_code == 200
            guard = srv._sock.guard
            assert guard.open - guard.closing <= 16
        finally:
            for sock in flood:
                sock.close()


def test_a_client_cannot_claim_another_address_with_x_forwarded_for() -> None:
    async def client_of(scope: Scope, receive: Receive, send: Send) -> None:
        host = scope["client"][0].encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(host))]})
        await send({"type": "http.response.body", "body": host})

    with ServerThread(client_of) as srv:
        seen = httpx.get(srv.url, headers={"x-forwarded-for": "203.0.113.7"}, timeout=5).text
    assert seen == "127.0.0.1"  # uvicorn believes the header from 127.0.0.1 unless told not to
