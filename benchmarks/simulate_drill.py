"""``firedrill simulate`` of a 60-minute scenario at 20 requests/s: wall time and requests per second.

Why: teams run their runbook against the whole library before anyone is paged; an hour of drill
must simulate in seconds. Baseline (same run): the same number of bare ``world.ask`` calls, no
simpy, no fault timeline, no journal; the ratio is what the drill machinery costs on top.
Goal: under 10 s.

Run: ``.venv/bin/python benchmarks/simulate_drill.py``
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.loader import load_scenario
from chaos.playbook import load_playbook
from fake_llm.world.world import World


def main() -> None:
    base = load_scenario("prompt-regression")
    world = base.world.model_copy(update={"traffic": base.world.traffic.model_copy(update={"rate_per_s": 20.0})})
    scenario = base.model_copy(update={"world": world, "duration_min": 60.0})
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(Path(tmp) / "bench.sqlite3", durable=False)
        start = time.perf_counter()
        drill = Drill(scenario, log=log, responder=load_playbook("runbook").responder())
        drill.run()
        wall = time.perf_counter() - start
        requests = sum(1 for e in log.events(drill.id) if e.kind.value == "request")
    bare_world = World(seed=scenario.seed)
    rng = random.Random(1)
    start = time.perf_counter()
    for _ in range(requests):
        user, segment, question = bare_world.next_request(rng)
        bare_world.ask(user=user, segment=segment, question=question)
    bare = time.perf_counter() - start
    print(f"simulate 60 min at 20 req/s: {requests} requests in {wall:.1f} s "
          f"({requests / wall:,.0f} simulated requests/s) {'goal met' if wall < 10 else 'ABOVE the 10 s goal'}")
    print(f"baseline bare world.ask x{requests}: {bare:.1f} s ({requests / bare:,.0f}/s)")
    print(f"ratio drill/bare time: {wall / bare:.2f}")


if __name__ == "__main__":
    main()
