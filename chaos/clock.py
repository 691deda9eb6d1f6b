"""The one drill clock: a simpy environment, run as fast as possible or paced to real time × speed.

Live and simulated drills run the same processes on the same kind of environment; only the
pacing differs. A live clock maps drill time to real time through an origin (a drill time and the
monotonic instant it was reached). Pausing freezes the drill time; resuming moves the origin to
the moment of the resume, so the drill continues from where it stopped, at the same speed, at any
speed and after any pause. (simpy's ``RealtimeEnvironment.sync()`` resets only the real-time half
of its origin, which froze a resumed drill for elapsed drill seconds ÷ speed.)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import time
from collections.abc import Callable
from enum import StrEnum

import simpy

CLOCK_ORIGIN = dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)  # drill time 0 displays as 14:00


class ClockState(StrEnum):
    """What responders are told about the drill clock."""

    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


def clock_label(t_s: float) -> str:
    """Drill seconds as the wall time responders see ("14:09")."""
    return (CLOCK_ORIGIN + dt.timedelta(seconds=t_s)).strftime("%H:%M")


def parse_clock(label: str) -> float:
    """"HH:MM" on the drill's clock back to drill seconds; anything else (``99:99``) is an error."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", label)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{label!r} is not a time of day HH:MM (00:00 to 23:59)")
    hours, minutes = int(match[1]), int(match[2])
    return (hours - CLOCK_ORIGIN.hour) * 3600 + (minutes - CLOCK_ORIGIN.minute) * 60


class DrillClock:
    """The drill's simpy environment with pause, resume and stop.

    ``speed`` is drill seconds per real second; ``None`` runs as fast as possible (a simulated
    drill). ``start_s`` lets a resumed drill continue its clock where the journal left it.
    """

    def __init__(self, *, speed: float | None, start_s: float = 0.0, lock: threading.RLock | None = None) -> None:
        self.env = simpy.Environment(initial_time=start_s)
        self.speed = speed
        self.lock = lock or threading.RLock()  # held for each step: whoever schedules from another thread holds it
        self._cond = threading.Condition()
        self._state = ClockState.RUNNING
        self._origin_s = start_s
        self._origin_real = time.monotonic()
        self._paused_at_s = start_s

    @property
    def live(self) -> bool:
        return self.speed is not None

    @property
    def state(self) -> ClockState:
        return self._state

    def now_s(self) -> float:
        return float(self.env.now)

    def _position_s(self) -> float:
        """Where real time has got to on the drill clock (the model may lag a step behind)."""
        assert self.speed is not None
        return max(float(self.env.now), self._origin_s + (time.monotonic() - self._origin_real) * self.speed)

    def step(self, on_idle: Callable[[], None] | None = None) -> bool:
        """Process the next event once its moment has come. False when the drill is over.

        ``on_idle`` runs (without the clock's lock held) before the clock first waits for real
        time or a resume: where a drill commits its journal. A simulated clock never waits.
        """
        while True:
            with self._cond:
                if self._state is ClockState.ENDED:
                    return False
                delay = self._delay_s()
                if delay <= 0:
                    break
                if on_idle is None:
                    self._cond.wait(timeout=None if delay == math.inf else min(delay, 3600.0))
                    continue
            on_idle()
            on_idle = None
        with self.lock:
            try:
                self.env.step()
            except simpy.core.EmptySchedule:
                return False
        return True

    def rebase(self) -> None:
        """Drill time now is where the model stands (a resumed drill, fast-forwarded to its journal's end)."""
        with self._cond:
            self._origin_s = self._paused_at_s = float(self.env.now)
            self._origin_real = time.monotonic()

    def wake(self) -> None:
        """Something new was scheduled from another thread: look at the next event again."""
        with self._cond:
            self._cond.notify_all()

    def _delay_s(self) -> float:
        """Real seconds until the next event is due (inf while paused); callers hold ``_cond``."""
        if self._state is ClockState.PAUSED:
            return math.inf
        if self.speed is None:
            return 0.0
        due = self._origin_real + (self.env.peek() - self._origin_s) / self.speed
        return due - time.monotonic()

    def pause(self) -> bool:
        """Freeze drill time now; False if it was not running."""
        with self._cond:
            if self._state is not ClockState.RUNNING:
                return False
            self._paused_at_s = self._position_s() if self.live else self.now_s()
            self._state = ClockState.PAUSED
            self._cond.notify_all()
            return True

    def resume(self) -> bool:
        """Continue from the drill time of the pause, at the same speed; False if it was not paused."""
        with self._cond:
            if self._state is not ClockState.PAUSED:
                return False
            self._origin_s = self._paused_at_s
            self._origin_real = time.monotonic()
            self._state = ClockState.RUNNING
            self._cond.notify_all()
            return True

    def stop(self) -> None:
        with self._cond:
            self._state = ClockState.ENDED
            self._cond.notify_all()
