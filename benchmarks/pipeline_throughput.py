"""How many questions per second the drill world's AI feature answers in-process, on one core.

Why: a drill simulates an hour of traffic on a simpy clock; that only feels instant if the whole
pipeline (traffic draw -> BM25 retrieval -> prompt -> provider.handle over the OpenAI wire format
-> JSON parse -> truth check -> telemetry) runs at >= 2,000 questions/s. Latency is simulated
(computed, never slept), so this measures pure CPU work.

Baselines measured in the same run, so the ratios survive a slower or faster machine:
- the bare ``provider.handle`` call with the same request bodies (the model alone),
- BM25 retrieval alone (``index.search``).

Run: ``.venv/bin/python benchmarks/pipeline_throughput.py [--seconds 2] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from collections.abc import Callable

from chaos.engine import FaultEngine
from fake_llm.hooks import Flavour
from fake_llm.provider import CHAT_ROUTE
from fake_llm.world.world import World

GOAL_PER_S = 2000.0


def rate(work: Callable[[int], None], seconds: float) -> float:
    """Operations per second of ``work(i)`` over at least ``seconds`` of wall time (after a warm-up)."""
    for i in range(200):
        work(i)
    done, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            work(done)
            done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def build() -> tuple[World, list]:
    """A world driven exactly as a drill drives it: through the fault engine (with no faults)."""
    now = [0.0]
    engine = FaultEngine(seed=7, now_s=lambda: now[0])
    world = World(seed=7, now_s=lambda: now[0], hooks=engine)
    engine.bind(world.provider)
    rng = random.Random(11)
    requests = [world.next_request(rng) for _ in range(2000)]
    return world, requests


def captured_calls(world: World, requests: list) -> list[tuple[dict[str, str], bytes]]:
    """The exact (headers, body) the feature sends, so the provider baseline does the same model work."""
    calls: list[tuple[dict[str, str], bytes]] = []
    handle = world.provider.handle

    def spy(flavour: Flavour, route: str, headers: dict[str, str], body: bytes):  # type: ignore[no-untyped-def]
        calls.append((dict(headers), body))
        return handle(flavour, route, headers, body)

    world.provider.handle = spy  # type: ignore[method-assign]
    try:
        for user, segment, question in requests[:500]:
            world.feature.ask(trace_id="capture", t_s=0.0, user=user, segment=segment, question=question)
    finally:
        del world.provider.handle  # back to the class's method
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="wall time per measurement")
    parser.add_argument("--profile", action="store_true", help="print the top functions of the pipeline")
    args = parser.parse_args()

    world, requests = build()
    calls = captured_calls(world, requests)
    n = len(requests)

    def pipeline(i: int) -> None:
        user, segment, question = requests[i % n]
        world.ask(user=user, segment=segment, question=question)

    def provider_only(i: int) -> None:
        headers, body = calls[i % len(calls)]
        world.provider.handle(Flavour.OPENAI, CHAT_ROUTE, headers, body)

    def retrieval_only(i: int) -> None:
        world.controls.index.search(requests[i % n][2].text, world.feature.top_k)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [pipeline(i) for i in range(3000)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    ask_rate = rate(pipeline, args.seconds)
    provider_rate = rate(provider_only, args.seconds)
    retrieval_rate = rate(retrieval_only, args.seconds)
    correct = sum(a.correct for a in list(world.telemetry.traces.values())[-1000:]) / 1000
    print(f"knowledge base: {len(world.controls.index.chunks)} chunks, {len(world.kb.golden)} golden questions")
    print(f"pipeline (world.ask):        {ask_rate:10,.0f} questions/s  (goal >= {GOAL_PER_S:,.0f})")
    print(f"baseline provider.handle:    {provider_rate:10,.0f} calls/s")
    print(f"baseline BM25 retrieval:     {retrieval_rate:10,.0f} searches/s")
    print(f"ratio pipeline/provider:     {ask_rate / provider_rate:10.2f}")
    print(f"ratio pipeline/retrieval:    {ask_rate / retrieval_rate:10.2f}")
    print(f"correct in last 1000 asks:   {correct:10.1%}")
    print("goal met" if ask_rate >= GOAL_PER_S else "GOAL MISSED")


if __name__ == "__main__":
    main()
