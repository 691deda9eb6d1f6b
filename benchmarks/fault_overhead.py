"""What faults cost when they do not fire, and how accurate an injected latency is.

1. Throughput of ``Provider.handle`` (the whole request path but the socket) with ten configured
   faults whose targeting matches nothing, against the same provider with none. Goal: <= 5% loss.
2. A ``latency`` fault of 500 ms time-to-first-token on a real server in real time, 32 concurrent
   streams: measured time to first token against the expected one (the model's own simulated TTFT
   plus the fault's 500 ms), at p50 and p99. Goal: within ±5%.

Run: ``.venv/bin/python benchmarks/fault_overhead.py``
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

from chaos.engine import FaultEngine
from chaos.faults.registry import build_fault
from fake_llm import Provider
from fake_llm.hooks import Flavour

BODIES = [json.dumps({"model": "fd-large", "messages": [
    {"role": "system", "content": "[doc:p updated:2026-10-01] The Pro plan costs $49 per month."},
    {"role": "user", "content": f"How much does the Pro plan cost? ({i})"}]}).encode() for i in range(500)]
TYPES = ["latency", "outage", "rate_limit", "refusal", "wrong_answer", "token_bloat", "schema_error",
         "stream_error", "hallucination", "timeout"]


def throughput(faults: int, seconds: float = 2.0) -> float:
    engine = FaultEngine(seed=1)
    provider = Provider(hooks=engine)
    for i, kind in enumerate(TYPES[:faults]):
        engine.add(build_fault(kind, id=f"f{i}", target={"models": ["no-such-model"], "keywords": ["never"]}))
    headers = {"authorization": "Bearer k"}
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for body in BODIES:
            provider.handle(Flavour.OPENAI, "/v1/chat/completions", headers, body)
        n += len(BODIES)
    return n / (time.perf_counter() - start)


async def ttfts(url: str, concurrency: int, rounds: int) -> list[float]:
    out: list[float] = []
    body = {"model": "fd-large", "stream": True, "messages": [{"role": "user", "content": "hello"}]}
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        async def one() -> None:
            start = time.perf_counter()
            async with client.stream("POST", url, json=body, headers={"authorization": "Bearer k"}) as r:
                first = True
                async for chunk in r.aiter_raw():  # raw bytes: the client must not be the bottleneck
                    if first and b"data:" in chunk:
                        out.append(time.perf_counter() - start)
                        first = False
        await asyncio.gather(*(one() for _ in range(concurrency)))  # warm-up: open the connections
        out.clear()
        for _ in range(rounds):
            await asyncio.gather(*(one() for _ in range(concurrency)))
    return sorted(out)


def _client(url: str) -> list[float]:
    return asyncio.run(ttfts(url, 8, 6))


def latency_accuracy() -> tuple[float, float, float]:
    """The server runs in its own process (``firedrill serve --faults``), as it would in a drill."""
    probe = Provider().handle(Flavour.OPENAI, "/v1/chat/completions", {"authorization": "Bearer k"},
                              json.dumps({"model": "fd-large", "stream": True,
                                          "messages": [{"role": "user", "content": "hello"}]}).encode())
    expected = (probe.frames or [])[0].delay_s + 0.5
    with tempfile.TemporaryDirectory() as tmp:
        faults = Path(tmp) / "faults.yaml"
        faults.write_text("- type: latency\n  params: {ttft_ms: 500}\n")
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "chaos", "serve", "--port", str(port), "--latency-scale", "1",
                                 "--faults", str(faults)], stdout=subprocess.DEVNULL)
        try:
            _wait(f"http://127.0.0.1:{port}/healthz")
            url = f"http://127.0.0.1:{port}/v1/chat/completions"
            with ProcessPoolExecutor(4) as pool:  # 4 client processes x 8 streams: the client is not the bottleneck
                measured = sorted(t for part in pool.map(_client, [url] * 4) for t in part)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return expected, measured[len(measured) // 2], measured[int(0.99 * len(measured)) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    base = ten = 0.0
    for _ in range(3):  # interleaved, best of three: the machine is shared
        base = max(base, throughput(0))
        ten = max(ten, throughput(10))
    loss = 1 - ten / base
    print(f"provider.handle, no faults:               {base:8.0f} req/s")
    print(f"provider.handle, 10 faults matching none: {ten:8.0f} req/s")
    print(f"throughput loss: {loss:.1%} (goal <= 5%) {'goal met' if loss <= 0.05 else 'ABOVE GOAL'}")
    expected, p50, p99 = latency_accuracy()
    print(f"latency fault 500 ms TTFT, 32 concurrent streams: expected {expected * 1000:.0f} ms "
          f"(model {expected * 1000 - 500:.0f} + fault 500)")
    for name, value in (("p50", p50), ("p99", p99)):
        err = value / expected - 1
        print(f"  measured {name}: {value * 1000:.0f} ms ({err:+.1%}; goal within ±5%) "
              f"{'ok' if abs(err) <= 0.05 else 'OUTSIDE GOAL'}")


if __name__ == "__main__":
    main()
