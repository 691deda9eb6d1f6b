"""The drill clock: pause freezes drill time, resume continues from it at the same speed."""

from __future__ import annotations

import threading
import time

import pytest

from chaos.clock import ClockState, DrillClock, parse_clock


def test_a_simulated_clock_runs_its_events_in_order_as_fast_as_possible() -> None:
    clock = DrillClock(speed=None)
    seen: list[float] = []

    def ticker():  # type: ignore[no-untyped-def]
        while True:
            yield clock.env.timeout(10)
            seen.append(clock.now_s())

    clock.env.process(ticker())
    while clock.now_s() < 100:
        assert clock.step()
    assert seen == [10.0 * i for i in range(1, 11)]


def test_stop_ends_stepping_even_while_paused() -> None:
    clock = DrillClock(speed=1.0)
    clock.env.timeout(1000)
    clock.pause()
    stepped: list[bool] = []
    worker = threading.Thread(target=lambda: stepped.append(clock.step()))
    worker.start()
    clock.stop()
    worker.join(timeout=5)
    assert stepped == [False] and clock.state is ClockState.ENDED


def test_pause_and_resume_report_whether_they_changed_anything() -> None:
    clock = DrillClock(speed=10.0)
    assert not clock.resume()
    assert clock.pause() and clock.state is ClockState.PAUSED
    assert not clock.pause()
    assert clock.resume() and clock.state is ClockState.RUNNING


@pytest.mark.parametrize("label, seconds", [("14:00", 0.0), ("14:10", 600.0), ("13:55", -300.0), ("9:05", -17700.0)])
def test_clock_labels_parse_back_to_drill_seconds(label: str, seconds: float) -> None:
    assert parse_clock(label) == seconds


@pytest.mark.parametrize("label", ["99:99", "14:60", "24:00", "14", "14:1", "noon", "-1:00", "14:10:00"])
def test_anything_but_a_time_of_day_is_refused(label: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock(label)


def test_a_paused_live_clock_does_not_advance() -> None:
    clock = DrillClock(speed=1000.0)

    def ticker():  # type: ignore[no-untyped-def]
        while True:
            yield clock.env.timeout(1)

    clock.env.process(ticker())
    runner = threading.Thread(target=lambda: [None for _ in iter(clock.step, False)], daemon=True)
    runner.start()
    time.sleep(0.05)
    clock.pause()
    time.sleep(0.05)  # let a step that was already due finish
    frozen = clock.now_s()
    time.sleep(0.2)
    assert clock.now_s() == frozen
    clock.stop()
    runner.join(timeout=5)
