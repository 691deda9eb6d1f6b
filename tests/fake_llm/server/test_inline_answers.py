"""A small POST to a provider route is answered on the parser's callback, before any ASGI task
exists, with the bytes the ASGI path would send; what must wait, stream in pieces or fail, and
what is big or asks to continue, goes the usual way and is answered the same."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from fake_llm import Provider, ServerThread, create_app
from fake_llm.server import protocol

CHAT = "/v1/chat/completions"
BODY = {"model": "gpt-4o", "messages": [
    {"role": "system", "content": "[doc:plans-3] The Pro plan costs $49 per month."},
    {"role": "user", "content": "How much does the Pro plan cost?"}]}


def _request(body: dict[str, Any] | bytes = BODY, *headers: str) -> bytes:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = [f"POST {CHAT} HTTP/1.1", "Host: x", "Authorization: Bearer sk-test",
            "Content-Type: application/json", f"Content-Length: {len(raw)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + raw


def _read_response(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One whole response from ``sock`` (what is read past it stays in ``buffer``), after any
    interim ``100 Continue``."""
    while True:
        while b"\r\n\r\n" not in buffer:
            buffer += _recv(sock)
        head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        if status != 100:
            break
        buffer[:] = rest
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    if "content-length" in headers:
        size = int(headers["content-length"])
        while len(rest) < size:
            rest += _recv(sock)
        body, rest = rest[:size], rest[size:]
    else:  # chunked
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += _recv(sock)
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            while len(rest) < size + 2:
                rest += _recv(sock)
            body, rest = body + rest[:size], rest[size + 2:]
            if size == 0:
                break
    buffer[:] = rest
    return status, headers, body


def _recv(sock: socket.socket) -> bytes:
    data = sock.recv(65536)
    if not data:
        raise ConnectionError("the server closed the connection mid-response")
    return data


def _exchange(srv: ServerThread, *requests: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    with socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        buffer = bytearray()
        out = []
        for request in requests:
            sock.sendall(request)
            out.append(_read_response(sock, buffer))
        return out


def _fixed_provider() -> Provider:
    return Provider(clock=lambda: 1_800_000_000)


def _without_inline(app: ASGIApp) -> ASGIApp:
    async def plain(scope: Scope, receive: Receive, send: Send) -> None:  # no ``inline``: the usual way
        await app(scope, receive, send)
    return plain


@pytest.fixture
def servers() -> Iterator[tuple[ServerThread, ServerThread]]:
    with ServerThread(create_app(provider=_fixed_provider(), latency_scale=0)) as inline, \
            ServerThread(_without_inline(create_app(provider=_fixed_provider(), latency_scale=0))) as usual:
        yield inline, usual


def _comparable(response: tuple[int, dict[str, str], bytes]) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = response
    return status, {k: v for k, v in headers.items() if k != "date"}, body


@pytest.mark.parametrize("body", [
    BODY,
    {**BODY, "stream": True, "stream_options": {"include_usage": True}},
    {**BODY, "model": "no-such-model"},
    {**BODY, "temperature": 3},
    b"{not json",
])
def test_an_inline_answer_is_byte_for_byte_what_the_asgi_path_sends(
        servers: tuple[ServerThread, ServerThread], body: dict[str, Any] | bytes) -> None:
    inline, usual = servers
    for _ in range(3):  # first sight, second (templated), third (replayed)
        assert _comparable(_exchange(inline, _request(body))[0]) == _comparable(_exchange(usual, _request(body))[0])


def test_an_inline_answer_never_reaches_the_asgi_app() -> None:
    app = create_app(latency_scale=0)

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("answered inline, the ASGI path is not taken")
    app.direct = refuse  # type: ignore[attr-defined]
    with ServerThread(app) as srv:
        (status, _, body), = _exchange(srv, _request())
        assert status == 200 and b"$49" in body


def test_pipelined_requests_are_answered_in_order_on_one_connection() -> None:
    with ServerThread(create_app(latency_scale=0)) as srv, \
            socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        questions = ["How much does the Pro plan cost?", "Where do you ship?", "How much does the Pro plan cost?"]
        sock.sendall(b"".join(_request({**BODY, "messages": [{"role": "user", "content": q}], "n": 1})
                              for q in questions) + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        buffer = bytearray()
        answers = [_read_response(sock, buffer) for _ in questions]
        assert [json.loads(b)["choices"][0]["message"]["role"] for _, _, b in answers] == ["assistant"] * 3
        assert answers[0][2] != answers[1][2]
        assert _read_response(sock, buffer)[2] == b'{"status":"ok"}'


def test_connection_close_is_honoured() -> None:
    with ServerThread(create_app(latency_scale=0)) as srv, \
            socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        sock.sendall(_request(BODY, "Connection: close"))
        buffer = bytearray()
        status, headers, _ = _read_response(sock, buffer)
        assert status == 200 and headers["connection"] == "close"
        assert sock.recv(1024) == b""


def test_a_body_that_comes_after_its_head_is_answered_once_it_is_in() -> None:
    with ServerThread(create_app(latency_scale=0)) as srv, \
            socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        whole = _request()
        head_end = whole.index(b"\r\n\r\n") + 4
        sock.sendall(whole[:head_end])
        sock.sendall(whole[head_end:head_end + 10])
        sock.sendall(whole[head_end + 10:])
        status, _, body = _read_response(sock, bytearray())
        assert status == 200 and b"$49" in body


def test_what_is_not_answered_inline_is_answered_the_usual_way(servers: tuple[ServerThread, ServerThread]) -> None:
    inline, usual = servers
    big = {**BODY, "messages": [{"role": "system", "content": "Pad. " * (protocol.INLINE_MAX_BODY // 4)},
                                *BODY["messages"][1:]]}
    for request in (_request(big), _request(BODY, "Expect: 100-continue")):
        assert _comparable(_exchange(inline, request)[0]) == _comparable(_exchange(usual, request)[0])


def test_an_answer_that_must_wait_is_sent_when_it_is_due() -> None:
    with ServerThread(create_app(latency_scale=0.01)) as srv:
        streamed = {**BODY, "stream": True}
        for request in (_request(), _request(streamed)):
            (status, _, body), = _exchange(srv, request)
            assert status == 200 and b"$49" in body


def test_a_bug_in_the_provider_is_a_500_in_the_envelope_and_the_connection_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    provider = Provider()
    answer = provider.handle_http
    calls = []

    def broken(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("internal detail")
        return answer(*args)
    monkeypatch.setattr(provider, "handle_http", broken)
    with ServerThread(create_app(provider=provider, latency_scale=0)) as srv:
        (status, _, body), (again, _, _) = _exchange(srv, _request(), _request())
        assert status == 500 and json.loads(body)["error"]["type"] == "server_error"
        assert b"internal detail" not in body
        assert again == 200
