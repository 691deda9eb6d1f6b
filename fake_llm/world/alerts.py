"""Alerts on the rolling metrics: they fire and resolve as events a listener receives.

Rules need a minimum of evidence (requests or judged samples) so a quiet window cannot page
anyone; the quality rule reads the judge over five minutes, since a sampled judge's one-minute
pass rate moves with its own noise; the cost rule compares with a baseline learnt from the first ticks of the drill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fake_llm.world.metrics import Metrics

MIN_REQUESTS = 5
MIN_JUDGED = 40  # judged answers in the judge's longer window before quality can page anyone
ALERT_NAMES = ("error_rate", "latency_p99", "quality", "refusal_rate", "cost_anomaly")


def shown(alert: str, value: float) -> str:
    """An alert's value in its metric's own unit, as on the dashboard (18.6 s, not 1.86e+04)."""
    if alert == "latency_p99":
        return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"
    if alert == "cost_anomaly":
        return f"${value:.3g}/min"
    return f"{value * 100:.1f}%"  # the rates and the judged quality are shares


@dataclass(frozen=True)
class Thresholds:
    error_rate: float = 0.05
    latency_p99_ms: float = 8000.0
    quality: float = 0.85
    cost_ratio: float = 2.0
    refusal_rate: float = 0.10


@dataclass
class AlertChange:
    alert: str
    firing: bool
    value: float
    threshold: float
    t_s: float


@dataclass
class Alerts:
    thresholds: Thresholds = field(default_factory=Thresholds)
    firing: dict[str, AlertChange] = field(default_factory=dict)
    listeners: list[Callable[[AlertChange], None]] = field(default_factory=list)
    cost_baseline: float | None = None
    _ticks: list[float] = field(default_factory=list)

    def evaluate(self, m: Metrics) -> None:
        """Compare one tick with the thresholds; tell listeners about every fire and resolve."""
        for name, (value, threshold, bad) in self._checks(m).items():
            if bad and name not in self.firing:
                self._tell(AlertChange(name, True, value, threshold, m.t_s))
            elif not bad and name in self.firing:
                self._tell(AlertChange(name, False, value, threshold, m.t_s))

    def _checks(self, m: Metrics) -> dict[str, tuple[float, float, bool]]:
        th, busy = self.thresholds, m.requests >= MIN_REQUESTS
        if self.cost_baseline is None:
            self._ticks.append(m.cost_per_min)
            if len(self._ticks) >= 3 and m.requests:
                self.cost_baseline = sorted(self._ticks[-3:])[1]  # median of the last three ticks
        checks = {
            "error_rate": (m.error_rate, th.error_rate, busy and m.error_rate > th.error_rate),
            "latency_p99": (m.p99_ms, th.latency_p99_ms, busy and m.p99_ms > th.latency_p99_ms),
            "quality": (m.quality_5m if m.quality_5m is not None else 1.0, th.quality,
                        m.judged_5m >= MIN_JUDGED and m.quality_5m is not None and m.quality_5m < th.quality),
            "refusal_rate": (m.refusal_rate, th.refusal_rate, busy and m.refusal_rate > th.refusal_rate),
        }
        if self.cost_baseline:
            limit = self.cost_baseline * th.cost_ratio
            checks["cost_anomaly"] = (m.cost_per_min, limit, m.cost_per_min > limit)
        return checks

    def _tell(self, change: AlertChange) -> None:
        if change.firing:
            self.firing[change.alert] = change
        else:
            self.firing.pop(change.alert, None)
        for listener in self.listeners:
            listener(change)
