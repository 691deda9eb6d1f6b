"""Scoring a drill journal of one million events: wall time and peak memory.

Why: the scorer is a pure function of the journal and must stay so for long, busy drills.
The events are read back from a real SQLite journal. Baseline (same run): streaming the same
events out of the journal without scoring; the ratio is the scorer's own cost. Goals: < 10 s,
< 500 MB.

Run: ``.venv/bin/python benchmarks/score_million.py [--events 1000000]``
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.loader import load_scenario
from scorecards import score


def build(log: EventLog, n: int) -> str:
    drill_id = log.create_drill("prompt-regression", seed=11, mode="simulated")
    rng = random.Random(7)
    rows = [(0.0, EventKind.DRILL_STARTED, "runner", {"drill_id": drill_id, "seed": 11,
                                                      "clock_origin": "2026-11-24T14:00:00+00:00"})]
    span = 4 * 3600.0
    for i in range(n - 6):
        t = span * i / n
        bad = t > 720 and rng.random() < 0.3 and t < 1800
        rows.append((t, EventKind.REQUEST, "world", {
            "trace_id": f"tr-{i}", "user": f"u{rng.randrange(5000)}", "segment": "free", "topic": "pricing",
            "question": "q", "status": "ok", "served": True, "bad": bad, "correct": not bad, "latency_ms": 900.0,
            "input_tokens": 180, "output_tokens": 20, "cost_usd": 0.0006}))
        if len(rows) >= 50_000:
            log.append_many(drill_id, rows)
            rows = []
    rows += [(780.0, EventKind.PAGE, "runner", {"alert": "quality", "summary": "q"}),
             (800.0, EventKind.ACTION, "ana", {"action": "fallback", "arg": "cached"}),
             (1000.0, EventKind.DECLARATION, "ana", {"symptom": "wrong-answers", "cause": "prompt"}),
             (1200.0, EventKind.ACTION, "ana", {"action": "prompt-rollback", "arg": None}),
             (span, EventKind.DRILL_ENDED, "runner", {})]
    log.append_many(drill_id, rows)
    return drill_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    n = parser.parse_args().events
    scenario = load_scenario("prompt-regression")
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(Path(tmp) / "million.sqlite3", durable=False)
        drill_id = build(log, n)
        start = time.perf_counter()
        count = sum(1 for _ in log.events(drill_id))
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        card = score(log.events(drill_id), scenario)
        score_s = time.perf_counter() - start
        tracemalloc.start()  # a second pass for memory: tracing slows Python down several times
        score(log.events(drill_id), scenario)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"events: {count:,}")
    print(f"baseline, stream the journal without scoring: {read_s:.1f} s")
    print(f"read + score: {score_s:.1f} s (goal < 10 s), peak traced memory {peak / 2**20:.0f} MB (goal < 500 MB), "
          f"overall {card.overall:.0f}")
    print(f"ratio score/stream: {score_s / read_s:.2f}")


if __name__ == "__main__":
    main()
