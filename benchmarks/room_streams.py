"""What the incident room's live streams cost a running drill.

A live drill at speed 60 runs for a fixed time twice in one process: first with no browser
open (the baseline), then with N room event streams open (N people with the room open). Each
phase reports the drill's pace (drill seconds per real second; 60 is on time), the latency of
``GET /drill/status`` polled as a terminal dashboard would, the CPU the process used per wall
second, and how many stream frames reached the browsers. Ratios compare the two phases of the
same run.

Run: ``.venv/bin/python benchmarks/room_streams.py [--streams 25] [--seconds 8]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from chaos.eventlog import EventLog
from chaos.live import LiveDrill, start_live_drill
from chaos.loader import load_scenario

CONSOLE = {"x-firedrill-console": "1"}


def stream(url: str, code: str, stop: threading.Event, counts: list[int], i: int) -> None:
    with httpx.Client(base_url=url, timeout=30) as c:
        c.post("/room/join", json={"code": code, "name": f"Person {i}", "role": "operations"}, headers=CONSOLE)
        with c.stream("GET", "/room/events") as r:
            for line in r.iter_lines():
                if line.startswith("event:"):
                    counts[i] += 1
                if stop.is_set():
                    return


def phase(live: LiveDrill, streams: int, seconds: float) -> dict[str, float]:
    stop = threading.Event()
    counts = [0] * streams
    threads = [threading.Thread(target=stream, args=(live.url, live.responder_token, stop, counts, i), daemon=True)
               for i in range(streams)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # everyone connected
    latencies = []
    drill0, wall0, cpu0 = live.drill.now_s(), time.monotonic(), time.process_time()
    with httpx.Client(base_url=live.url, headers={"authorization": f"Bearer {live.responder_token}"}) as c:
        while time.monotonic() - wall0 < seconds:
            t0 = time.perf_counter()
            c.get("/drill/status").raise_for_status()
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    wall = time.monotonic() - wall0
    result = {"pace": (live.drill.now_s() - drill0) / wall, "cpu": (time.process_time() - cpu0) / wall,
              "p50_ms": statistics.median(latencies), "p99_ms": sorted(latencies)[int(len(latencies) * 0.99) - 1],
              "frames": float(sum(counts))}
    stop.set()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        live = start_live_drill(load_scenario("onboarding"), log=EventLog(Path(tmp) / "bench.sqlite3"), speed=60)
        try:
            base = phase(live, 0, args.seconds)
            busy = phase(live, args.streams, args.seconds)
        finally:
            live.stop()
    print(f"{'':24}{'no room open':>14}{f'{args.streams} streams':>14}{'ratio':>8}")
    for key, label in (("pace", "drill pace (x, 60 = on time)"), ("p50_ms", "status p50 ms"),
                       ("p99_ms", "status p99 ms"), ("cpu", "CPU s per wall s")):
        ratio = busy[key] / base[key] if base[key] else float("nan")
        print(f"{label:24}{base[key]:>14.2f}{busy[key]:>14.2f}{ratio:>8.2f}")
    print(f"{'frames to browsers':24}{base['frames']:>14.0f}{busy['frames']:>14.0f}")


if __name__ == "__main__":
    main()
