"""The one drill clock: simpy, run as fast as possible or in real time × speed.

Live and simulated drills run the same processes; only the environment differs. Pausing a live
drill stops stepping and re-synchronises the real-time reference on resume, so paused minutes do
not count as drill time.
"""

from __future__ import annotations

import datetime as dt
import threading

import simpy
import simpy.rt

CLOCK_ORIGIN = dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)  # drill time 0 displays as 14:00


def make_env(*, live: bool, speed: float) -> simpy.Environment:
    if live:
        return simpy.rt.RealtimeEnvironment(factor=1.0 / speed, strict=False)
    return simpy.Environment()


def clock_label(t_s: float) -> str:
    """Drill seconds as the wall time responders see ("14:09")."""
    return (CLOCK_ORIGIN + dt.timedelta(seconds=t_s)).strftime("%H:%M")


def parse_clock(label: str) -> float:
    """"HH:MM" on the drill's clock back to drill seconds."""
    try:
        hours, minutes = (int(x) for x in label.split(":"))
    except ValueError:
        raise ValueError(f"{label!r} is not HH:MM") from None
    return (hours - CLOCK_ORIGIN.hour) * 3600 + (minutes - CLOCK_ORIGIN.minute) * 60


class Pauser:
    """Lets a live drill stop and resume its clock."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.running.set()

    def wait(self, env: simpy.Environment) -> None:
        if not self.running.is_set():
            self.running.wait()
            if isinstance(env, simpy.rt.RealtimeEnvironment):
                env.sync()
