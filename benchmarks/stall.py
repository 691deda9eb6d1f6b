"""The worst /healthz latency of ``firedrill serve`` while heavy requests run, against the same
probe on the idle server in the same run.

Why: one request must never hold the event loop: a 251-byte schema once blocked everyone for 18 s.
A prober sends GET /healthz every 20 ms over one kept-alive connection, first with nothing else
running (the baseline), then while another process keeps ``--workers`` heavy requests in flight:
3.9 MB prompts, 2,048-input embeddings at 3,072 dimensions, a small JSON Schema whose nested
``minItems`` would expand to millions of values (refused at the edge) and one just under the limit.
Goal: worst /healthz latency under load < 100 ms.

Run: ``.venv/bin/python benchmarks/stall.py [--duration 20] [--workers 4]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loadgen import ROOT, firedrill_serve_argv, free_port, rss_mb, server_process  # noqa: E402

GOAL_MS = 100.0
AUTH = {"authorization": "Bearer sk-bench"}


def heavy_requests() -> dict[str, tuple[str, bytes]]:
    """kind -> (path, body)."""
    prompt = ("The incident review covers the stale index, the rebuild and the rollback. " * 52_000)[:3_900_000]
    nested = {"type": "array", "minItems": 200, "items": {"type": "string"}}
    for _ in range(3):
        nested = {"type": "array", "minItems": 200, "items": nested}
    bomb = {"type": "object", "properties": {"rows": nested}, "required": ["rows"]}
    grid = {"type": "object", "required": ["rows"], "properties": {"rows": {  # 9,900 values: just accepted
        "type": "array", "minItems": 99, "items": {"type": "array", "minItems": 99, "items": {"type": "string"}}}}}

    def structured(schema: dict[str, object]) -> bytes:
        return json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "List the rows."}],
                           "response_format": {"type": "json_schema",
                                               "json_schema": {"name": "rows", "schema": schema}}}).encode()
    return {
        "3.9 MB prompt": ("/v1/chat/completions", json.dumps(
            {"model": "gpt-4.1", "messages": [{"role": "user", "content": prompt + " What was rolled back?"}]}
        ).encode()),
        "embeddings 2048 x 3072": ("/v1/embeddings", json.dumps(
            {"model": "text-embedding-3-large", "input": [f"runbook line {i} about the stale index rebuild"
                                                          for i in range(2048)]}).encode()),
        "schema bomb minItems 200^4": ("/v1/chat/completions", structured(bomb)),
        "schema of 9,900 values": ("/v1/chat/completions", structured(grid)),
    }


def load(base_url: str, workers: int, duration_s: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """In its own process: keep ``workers`` heavy requests in flight, one kind after the other."""
    import threading

    kinds = list(heavy_requests().items())
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + duration_s

    def worker(n: int) -> None:
        with httpx.Client(base_url=base_url, headers={**AUTH, "content-type": "application/json"},
                          timeout=120) as client:
            i = n
            while time.monotonic() < deadline:
                kind, (path, body) = kinds[i % len(kinds)]
                i += 1
                try:
                    status = str(client.post(path, content=body).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with lock:
                    statuses[f"{kind}: {status}"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(dict(statuses))


def probe(port: int, duration_s: float, every_s: float = 0.02) -> list[float]:
    """/healthz latencies in ms, one kept-alive raw connection (no client library in the way)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
    latencies = []
    deadline = time.monotonic() + duration_s
    try:
        while time.monotonic() < deadline:
            t = time.perf_counter()
            sock.sendall(request)
            data = b""
            while not data.endswith(b"}"):
                chunk = sock.recv(4096)
                if not chunk:
                    raise RuntimeError("the server closed the probe connection")
                data += chunk
            latencies.append((time.perf_counter() - t) * 1000)
            time.sleep(max(0.0, every_s - (time.perf_counter() - t)))
    finally:
        sock.close()
    return latencies


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
    return f"  {name:26s}{len(ms):8d}{statistics.median(ms):9.2f}{p99:9.2f}{ms[-1]:9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of heavy load")
    parser.add_argument("--baseline", type=float, default=5.0, help="seconds of probing the idle server")
    parser.add_argument("--workers", type=int, default=4, help="heavy requests in flight")
    args = parser.parse_args()
    port = free_port()
    with server_process(firedrill_serve_argv(port), port, cwd=ROOT) as proc:
        idle = probe(port, args.baseline)
        rss_before = rss_mb(proc.pid)
        results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        loader = multiprocessing.Process(target=load, args=(f"http://127.0.0.1:{port}", args.workers,
                                                              args.duration, results))
        loader.start()
        time.sleep(0.5)  # the first heavy requests are in
        busy = probe(port, args.duration - 0.5)
        statuses = results.get(timeout=300)
        loader.join()
        rss_after = rss_mb(proc.pid)
    print(f"/healthz every 20 ms; {args.workers} heavy requests in flight for {args.duration:g} s")
    print(f"  {'':26s}{'probes':>8s}{'p50 ms':>9s}{'p99 ms':>9s}{'max ms':>9s}")
    print(summary("idle server (baseline)", idle))
    print(summary("under heavy requests", busy))
    print("heavy requests answered (kind: status x count):")
    for key, n in sorted(statuses.items()):
        print(f"  {key} x {n}")
    worst = max(busy)
    print(f"RSS {rss_before:.0f} MB before the heavy load, {rss_after:.0f} MB after")
    print(f"worst /healthz under load: {worst:.1f} ms = {worst / max(idle):.1f}x the idle worst "
          f"(goal < {GOAL_MS:.0f} ms: {'goal met' if worst < GOAL_MS else 'BELOW GOAL'})")


if __name__ == "__main__":
    main()
