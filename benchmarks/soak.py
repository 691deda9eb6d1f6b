"""Memory of ``firedrill serve`` over a long run: RSS at the start and end of a soak at a steady
rate of mixed requests, and before and after 100 distinct 3.9 MB chats.

Why: a drill server runs for hours; memory it takes must come back. The soak sends ``--rate``
requests per second on a fixed schedule (not as fast as possible) for ``--duration`` seconds: chat
completions plain and streamed (new questions and repeated ones), Anthropic messages, Responses,
embeddings, structured outputs and tool calls. RSS is read after a warm-up that fills the
bounded caches (the start: 3 minutes at 200 req/s by default) and at the end; the goal is flat
within 10%. Then ``--big-chats``
distinct 3.9 MB chats, and RSS after them.

Run: ``.venv/bin/python benchmarks/soak.py [--duration 600] [--rate 200] [--warmup 180] [--big-chats 100]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loadgen import ROOT, firedrill_serve_argv, free_port, rss_mb, server_process  # noqa: E402

GOAL_GROWTH = 0.10
HEADERS = {"authorization": "Bearer sk-soak", "x-api-key": "sk-soak", "anthropic-version": "2023-06-01"}
TOPICS = ["the Pro plan cost", "refunds after 30 days", "the API rate limit", "weekend support hours",
          "data residency in the EU", "single sign-on setup", "the invoice currency", "the uptime SLA"]


def request_for(i: int) -> tuple[str, dict[str, Any]]:
    """The i-th request of the mix: (path, JSON body). A third of the questions repeat."""
    topic = TOPICS[i % len(TOPICS)]
    question = f"What about {topic}?" if i % 3 == 0 else f"Customer {i} asks about {topic}: what do we say?"
    system = f"Answer from the context. [doc:kb-{i % 50}] Support for {topic} is documented in article {i % 50}."
    messages = [{"role": "system", "content": system}, {"role": "user", "content": question}]
    kind = i % 20
    if kind < 7:
        return "/v1/chat/completions", {"model": "gpt-4o-mini", "messages": messages}
    if kind < 10:
        return "/v1/chat/completions", {"model": "gpt-4o", "messages": messages, "stream": True,
                                        "stream_options": {"include_usage": True}}
    if kind < 13:
        return "/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 256, "system": system,
                                "messages": [{"role": "user", "content": question}]}
    if kind < 15:
        return "/v1/responses", {"model": "gpt-4.1-mini", "input": question, "instructions": system}
    if kind < 17:
        return "/v1/embeddings", {"model": "text-embedding-3-small", "input": [question, system]}
    if kind < 19:
        schema = {"type": "object", "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
                  "required": ["answer", "confidence"], "additionalProperties": False}
        return "/v1/chat/completions", {"model": "gpt-4o", "messages": messages, "response_format": {
            "type": "json_schema", "json_schema": {"name": "reply", "strict": True, "schema": schema}}}
    tool = {"type": "function", "function": {"name": "lookup_order", "description": "Look up an order by id",
                                             "parameters": {"type": "object", "properties": {
                                                 "order_id": {"type": "string"}}, "required": ["order_id"]}}}
    return "/v1/chat/completions", {"model": "gpt-4o", "tools": [tool], "messages": [
        {"role": "user", "content": f"Where is order A-{i}? Please look up the order."}]}


async def steady_load(client: httpx.AsyncClient, rate: float, duration_s: float, first: int,
                      statuses: Counter[str]) -> int:
    """Send ``rate`` requests a second on a fixed schedule for ``duration_s``; return how many."""
    n = int(rate * duration_s)
    in_flight = asyncio.Semaphore(256)
    start = time.perf_counter()

    async def one(i: int) -> None:
        path, body = request_for(i)
        try:
            async with in_flight:
                r = await client.post(path, json=body)
                await r.aread()
            statuses[str(r.status_code)] += 1
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1

    tasks = []
    for k in range(n):
        delay = start + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(first + k)))
    await asyncio.gather(*tasks)
    return n


async def soak(base_url: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    out: dict[str, Any] = {"launch": rss_mb(pid)}
    async with httpx.AsyncClient(base_url=base_url, headers=HEADERS, limits=limits, timeout=60) as client:
        done = await steady_load(client, args.rate, args.warmup, 0, statuses)
        out["start"] = rss_mb(pid)
        samples = [(0.0, out["start"])]
        t0 = time.perf_counter()
        steps = max(1, min(10, int(args.duration // 10)))
        for _ in range(steps):
            done += await steady_load(client, args.rate, args.duration / steps, done, statuses)
            samples.append((time.perf_counter() - t0, rss_mb(pid)))
            print(f"  t={samples[-1][0]:6.0f} s  RSS {samples[-1][1]:7.1f} MB  {done} requests", flush=True)
        elapsed = time.perf_counter() - t0
        out["end"] = rss_mb(pid)
        out["achieved_rate"] = (done - int(args.rate * args.warmup)) / elapsed
        out["soak_requests"] = done - int(args.rate * args.warmup)
    out["statuses"] = dict(statuses)
    return out


def big_chats(base_url: str, pid: int, n: int) -> tuple[float, float, float, Counter[str]]:
    """RSS before, peak and after ``n`` distinct 3.9 MB chat completions."""
    statuses: Counter[str] = Counter()
    filler = "The change log lists every deploy, flag flip and index rebuild of the quarter. " * 50_000
    before = peak = rss_mb(pid)
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=120) as client:
        for i in range(n):
            content = f"Chat {i}: " + filler[: 3_900_000] + f" Which deploy came {i} days ago?"
            body = json.dumps({"model": "gpt-4.1", "messages": [{"role": "user", "content": content}]})
            statuses[str(client.post("/v1/chat/completions", content=body,
                                     headers={"content-type": "application/json"}).status_code)] += 1
            peak = max(peak, rss_mb(pid))
    time.sleep(1)
    return before, peak, rss_mb(pid), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of soak after the warm-up")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--warmup", type=float, default=180.0,
                        help="seconds before the start RSS is read (the bounded caches fill up in it)")
    parser.add_argument("--big-chats", type=int, default=100, help="distinct 3.9 MB chats afterwards (0: none)")
    args = parser.parse_args()
    port = free_port()
    with server_process(firedrill_serve_argv(port), port, cwd=ROOT) as proc:
        url = f"http://127.0.0.1:{port}"
        print(f"soak: {args.rate:g} req/s of mixed requests, {args.warmup:g} s warm-up then {args.duration:g} s")
        result = asyncio.run(soak(url, proc.pid, args))
        big = big_chats(url, proc.pid, args.big_chats) if args.big_chats else None
    growth = result["end"] / result["start"] - 1
    per_request = (result["end"] - result["start"]) * 1024 * 1024 / max(1, result["soak_requests"])
    print(f"RSS at launch {result['launch']:.1f} MB; start (after warm-up) {result['start']:.1f} MB; "
          f"end {result['end']:.1f} MB")
    print(f"achieved {result['achieved_rate']:.0f} req/s over {result['soak_requests']} requests; "
          f"statuses {result['statuses']}")
    print(f"growth end/start: {growth * 100:+.1f}% ({per_request:+.0f} bytes per request) "
          f"(goal within {GOAL_GROWTH * 100:.0f}%: {'goal met' if abs(growth) <= GOAL_GROWTH else 'BELOW GOAL'})")
    if big is not None:
        before, peak, after, statuses = big
        print(f"{args.big_chats} distinct 3.9 MB chats ({dict(statuses)}): RSS {before:.1f} MB before, "
              f"{peak:.1f} MB at peak, {after:.1f} MB after ({after / before:.2f}x)")


if __name__ == "__main__":
    main()
