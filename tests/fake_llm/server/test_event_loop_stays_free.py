"""A heavy request (a long prompt, embeddings, a schema to fill) is worked out off the event
loop: while it is being answered, /healthz and light requests are answered too."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from fake_llm import Provider, ServerThread, create_app
from fake_llm.hooks import Stage
from fake_llm.server.app import LARGE_BODY_PIECE, LargeBody, is_heavy

AUTH = {"authorization": "Bearer sk-test"}


class Gate:
    """Holds every request whose prompt says HOLD inside the provider until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def apply(self, stage: Stage, ctx: Any) -> None:
        if stage is Stage.PROVIDER_REQUEST and "HOLD" in ctx.info.text:
            self.entered.set()
            assert self.release.wait(timeout=30), "the test never released the gate"


def _chat(content: str) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]}


def test_healthz_and_light_requests_are_answered_while_a_heavy_request_is_being_worked_out() -> None:
    gate = Gate()
    app = create_app(provider=Provider(hooks=gate), latency_scale=0)
    heavy = _chat("HOLD " + "a long pasted document " * 3_000)  # 69 KB: heavy by size
    with ServerThread(app) as srv, httpx.Client(base_url=srv.url, headers=AUTH, timeout=30) as client, \
            ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.post, "/v1/chat/completions", json=heavy)
        assert gate.entered.wait(timeout=30)
        assert client.get("/healthz").status_code == 200  # the loop is free while the heavy one runs
        light = client.post("/v1/chat/completions", json=_chat("What are the support hours?"))
        assert light.status_code == 200
        assert not pending.done()
        gate.release.set()
        assert pending.result(timeout=30).status_code == 200


def test_what_counts_as_heavy() -> None:
    small = json.dumps(_chat("What are the support hours?")).encode()
    assert not is_heavy("/v1/chat/completions", small)
    assert is_heavy("/v1/chat/completions", b"x" * 40_000)
    assert is_heavy("/v1/embeddings", b'{"model":"text-embedding-3-small","input":"hi"}')
    schema = {**_chat("hi"), "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {}}}}
    assert is_heavy("/v1/chat/completions", json.dumps(schema).encode())
    assert is_heavy("/v1/chat/completions", json.dumps({**_chat("hi"), "tools": []}).encode())


def test_a_large_answer_arrives_whole_with_its_content_length() -> None:
    body = {"model": "text-embedding-3-large", "input": [f"runbook line {i}" for i in range(400)]}
    with ServerThread(create_app(latency_scale=0)) as srv, httpx.Client(base_url=srv.url, headers=AUTH) as client:
        r = client.post("/v1/embeddings", json=body, timeout=60)
    assert r.status_code == 200
    assert int(r.headers["content-length"]) == len(r.content) > 2 * 1024 * 1024  # sent in pieces
    assert [d["index"] for d in r.json()["data"]] == list(range(400))


def test_a_large_answer_gives_the_event_loop_back_between_its_pieces() -> None:
    """A loopback client takes each piece whole, so flow control alone never pauses the writes:
    the other requests on the loop must still get their turn between pieces."""
    answer = LargeBody(b"x" * (5 * LARGE_BODY_PIECE), 200, {"content-type": "application/json"})
    order: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            order.append("piece")

    async def other_request() -> None:
        for _ in range(5):
            order.append("other")
            await asyncio.sleep(0)

    async def both() -> None:
        await asyncio.gather(answer({"type": "http"}, None, send), other_request())  # type: ignore[arg-type]

    asyncio.run(both())
    assert order.count("piece") == 5
    assert "piece,piece" not in ",".join(order)  # never two pieces in one turn of the loop
