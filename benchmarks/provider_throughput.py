"""Non-streaming chat completions per second through the fake provider over loopback.

Why: a drill's provider must never be the bottleneck of a team's own app. The ceiling is the same
stack (Starlette + uvicorn) answering a fixed JSON body of the same size; the ratio to it shows
what the provider's own work costs. Simulated latency is off; 32 concurrent clients; each server
runs in its own process so the load generator does not share its interpreter.

Run: ``.venv/bin/python benchmarks/provider_throughput.py [--requests 4000]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time

import httpx

BODY = {"model": "fd-large", "messages": [
    {"role": "system", "content": "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month."},
    {"role": "user", "content": "How much does the Pro plan cost?"}]}


def serve(kind: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from fake_llm import Provider, create_app

    if kind == "provider":
        app = create_app(provider=Provider(), latency_scale=0)
    else:
        result = Provider().handle(*_args())
        fixed = result.body or b""

        async def bare(request: object) -> Response:
            await request.body()  # type: ignore[attr-defined]
            return Response(fixed, media_type="application/json")

        app = Starlette(routes=[Route("/v1/chat/completions", bare, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")


def _args() -> tuple:  # type: ignore[type-arg]
    from fake_llm.hooks import Flavour

    return Flavour.OPENAI, "/v1/chat/completions", {"authorization": "Bearer k"}, json.dumps(BODY).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load(url: str, n: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    body = json.dumps(BODY).encode()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        queue = iter(range(n))

        async def worker() -> None:
            for _ in queue:
                t = time.perf_counter()
                r = await client.post(url, content=body, headers={"authorization": "Bearer k",
                                                                    "content-type": "application/json"})
                r.raise_for_status()
                latencies.append(time.perf_counter() - t)

        for _ in range(50):  # warm-up
            await client.post(url, content=body, headers={"authorization": "Bearer k"})
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


def measure(kind: str, n: int, concurrency: int) -> tuple[float, float, float]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--port", str(port)])
    try:
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        elapsed, lat = asyncio.run(load(url, n, concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    lat.sort()
    return n / elapsed, statistics.median(lat) * 1000, lat[int(0.99 * len(lat)) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--serve", choices=["provider", "bare"])
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    bare = measure("bare", args.requests, args.concurrency)
    prov = measure("provider", args.requests, args.concurrency)
    print(f"{'':28s}{'req/s':>10s}{'p50 ms':>10s}{'p99 ms':>10s}")
    print(f"{'bare ASGI, same body size':28s}{bare[0]:10.0f}{bare[1]:10.1f}{bare[2]:10.1f}")
    print(f"{'firedrill provider':28s}{prov[0]:10.0f}{prov[1]:10.1f}{prov[2]:10.1f}")
    ratio = prov[0] / bare[0]
    print(f"ratio provider/bare: {ratio:.2f} (goal >= 0.6) {'goal met' if ratio >= 0.6 else 'BELOW GOAL'}")


if __name__ == "__main__":
    main()
