"""Rolling metrics, the sampling judge and alerts behave as a responder's dashboard would."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fake_llm.world.alerts import MIN_JUDGED, AlertChange, Alerts, Thresholds, shown
from fake_llm.world.feature import Answer
from fake_llm.world.judge import Judge
from fake_llm.world.knowledge import GoldenQuestion
from fake_llm.world.metrics import Metrics, Window

Q = GoldenQuestion("f1#0", "f1", "pricing", "How much is it?")


def answer(i: int, *, t_s: float = 0.0, latency_s: float = 1.0, status: str = "ok", correct: bool = True) -> Answer:
    served = status == "ok"
    return Answer(f"tr-{i}", t_s, "u", "free", Q, status, "x", served, correct and served, served and not correct,
                  latency_s=latency_s, cost_usd=0.01, context_tokens=100)


def tick(t_s: float, **changes: float) -> Metrics:
    base = Metrics(t_s=t_s, window_s=60, requests=100, request_rate=1.7, error_rate=0.0, refusal_rate=0.0,
                   p50_ms=900, p99_ms=1500, quality=0.98, judged=20, cost_per_min=1.0, avg_context_tokens=600,
                   index_age_s=0)
    return replace(base, **changes)


def test_the_window_forgets_requests_older_than_its_length() -> None:
    window = Window(60)
    for i in range(10):
        window.add(answer(i, t_s=i * 10.0, status="error" if i < 4 else "ok"), None)
    m = window.metrics(100.0, index_built_at_s=-50)  # keeps t = 40 .. 90
    assert m.requests == 6 and m.error_rate == 0.0 and m.index_age_s == 150


def test_latency_percentiles_and_cost_per_minute() -> None:
    window = Window(60)
    for i in range(100):
        window.add(answer(i, t_s=30.0, latency_s=(i + 1) / 100), None)
    m = window.metrics(60.0, 0)
    assert (m.p50_ms, m.p99_ms) == (510.0, 1000.0)
    assert round(m.cost_per_min, 6) == 1.0 and m.avg_context_tokens == 100


def test_the_judge_samples_its_rate_and_is_wrong_at_its_noise_rate() -> None:
    judge = Judge(sample_rate=0.3, noise=0.1, seed=3)
    verdicts = [judge.grade(answer(i)) for i in range(4000)]
    graded = [v for v in verdicts if v is not None]
    assert 0.27 < len(graded) / 4000 < 0.33
    assert 0.07 < graded.count(False) / len(graded) < 0.13  # every answer was correct: False is noise
    assert verdicts == [judge.grade(answer(i)) for i in range(4000)]  # seeded per trace


def test_the_judge_never_grades_unserved_answers() -> None:
    assert Judge(sample_rate=1.0).grade(answer(1, status="error")) is None


def test_alerts_fire_and_resolve_as_events() -> None:
    seen: list[AlertChange] = []
    alerts = Alerts(Thresholds(error_rate=0.05), listeners=[seen.append])
    alerts.evaluate(tick(10))
    alerts.evaluate(tick(20, error_rate=0.3))
    alerts.evaluate(tick(30, error_rate=0.4))  # still firing: no new event
    alerts.evaluate(tick(40))
    assert [(c.alert, c.firing, c.t_s) for c in seen] == [("error_rate", True, 20), ("error_rate", False, 40)]
    assert not alerts.firing


def test_quality_alert_waits_for_enough_judged_samples_over_the_judges_longer_window() -> None:
    alerts = Alerts()
    alerts.evaluate(tick(10, quality_5m=0.5, judged_5m=MIN_JUDGED - 1))
    assert "quality" not in alerts.firing
    alerts.evaluate(tick(20, quality=0.5, judged=MIN_JUDGED, quality_5m=0.9, judged_5m=MIN_JUDGED))
    assert "quality" not in alerts.firing  # one bad minute of a sampled judge is its noise
    alerts.evaluate(tick(30, quality_5m=0.5, judged_5m=MIN_JUDGED))
    assert "quality" in alerts.firing


def test_the_judge_window_keeps_five_minutes_of_verdicts() -> None:
    window = Window(60)
    for i in range(40):
        window.add(answer(i, t_s=i * 10.0), i % 4 != 0)
    m = window.metrics(400.0, index_built_at_s=0)  # verdicts from t = 100 .. 390
    assert m.judged_5m == 30 and m.judged == 6 and m.quality_5m == 23 / 30


def test_cost_anomaly_is_relative_to_the_baseline_of_the_first_ticks() -> None:
    alerts = Alerts(Thresholds(cost_ratio=2.0))
    for t, cost in ((10, 1.0), (20, 1.2), (30, 0.9), (40, 1.9)):
        alerts.evaluate(tick(t, cost_per_min=cost))
    assert alerts.cost_baseline == 1.0 and "cost_anomaly" not in alerts.firing
    alerts.evaluate(tick(50, cost_per_min=2.5))
    assert alerts.firing["cost_anomaly"].threshold == 2.0


def test_quiet_windows_page_no_one() -> None:
    alerts = Alerts()
    alerts.evaluate(tick(10, requests=3, error_rate=1.0, refusal_rate=1.0, p99_ms=60_000))
    assert not alerts.firing


def test_the_latest_traces_are_kept_and_a_forgotten_traces_verdict_goes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import fake_llm.world.telemetry as telemetry_module
    from fake_llm.world.telemetry import Telemetry

    monkeypatch.setattr(telemetry_module, "MAX_TRACES", 10)
    telemetry = Telemetry(judge_rate=1.0, judge_noise=0.0)
    for i in range(25):
        telemetry.record(answer(i))
    assert list(telemetry.traces) == [f"tr-{i}" for i in range(15, 25)]
    assert set(telemetry.judgements) == set(telemetry.traces)


def test_an_alert_reads_in_its_metrics_own_unit() -> None:
    assert shown("latency_p99", 18_600.0) == "18.6 s" and shown("latency_p99", 640.0) == "640 ms"
    assert shown("error_rate", 0.137) == "13.7%" and shown("quality", 0.85) == "85.0%"
    assert shown("cost_anomaly", 0.124) == "$0.124/min"
