"""What responders see: traces, rolling metrics over the drill clock, a sampling judge, alerts.

The judge grades a sample of served answers against the golden answers with seeded noise, as an
LLM judge would; responders see its estimate, never the truth.
"""

from __future__ import annotations

import random
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from fake_llm.world.feature import Answer

MAX_TRACES = 20_000


@dataclass(frozen=True)
class Metrics:
    t_s: float
    window_s: float
    requests: int
    request_rate: float  # per second
    error_rate: float
    refusal_rate: float
    p50_ms: float
    p99_ms: float
    quality: float | None  # judge's pass rate over the window; None without judged samples
    judged: int
    cost_per_min: float
    avg_context_tokens: float
    index_age_s: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
class Telemetry:
    window_s: float = 60.0
    judge_rate: float = 0.2
    judge_noise: float = 0.05
    seed: int = 0
    thresholds: Thresholds = field(default_factory=Thresholds)
    traces: OrderedDict[str, Answer] = field(default_factory=OrderedDict)
    judgements: dict[str, bool] = field(default_factory=dict)
    history: list[Metrics] = field(default_factory=list)
    firing: dict[str, AlertChange] = field(default_factory=dict)
    alert_listeners: list[Callable[[AlertChange], None]] = field(default_factory=list)
    _rows: deque[tuple[float, float, bool, bool, bool, bool | None, float, int]] = field(default_factory=deque)
    _cost_baseline: float | None = None

    def record(self, answer: Answer) -> bool | None:
        """Keep the trace and its metrics row; returns the judge's verdict if it was sampled."""
        self.traces[answer.trace_id] = answer
        if len(self.traces) > MAX_TRACES:
            self.traces.popitem(last=False)
        verdict = None
        if answer.served:
            rng = random.Random(f"judge:{self.seed}:{answer.trace_id}")
            if rng.random() < self.judge_rate:
                verdict = answer.correct != (rng.random() < self.judge_noise)
                self.judgements[answer.trace_id] = verdict
        self._rows.append((answer.t_s, answer.latency_s * 1000, answer.status == "error", answer.refused,
                           answer.served, verdict, answer.cost_usd, answer.context_tokens))
        return verdict

    def snapshot(self, now_s: float, index_built_at_s: float, *, record: bool = True) -> Metrics:
        """Metrics over the window ending now; ``record`` keeps them as a tick and evaluates alerts."""
        while self._rows and self._rows[0][0] < now_s - self.window_s:
            self._rows.popleft()
        rows = list(self._rows)
        n = len(rows)
        lat = sorted(r[1] for r in rows)
        judged = [r[5] for r in rows if r[5] is not None]
        span = min(self.window_s, max(now_s, 1e-9))
        metrics = Metrics(
            t_s=now_s, window_s=self.window_s, requests=n, request_rate=n / span,
            error_rate=sum(r[2] for r in rows) / n if n else 0.0,
            refusal_rate=sum(r[3] for r in rows) / n if n else 0.0,
            p50_ms=_pct(lat, 0.50), p99_ms=_pct(lat, 0.99),
            quality=sum(judged) / len(judged) if judged else None, judged=len(judged),
            cost_per_min=sum(r[6] for r in rows) * 60 / span,
            avg_context_tokens=sum(r[7] for r in rows) / n if n else 0.0,
            index_age_s=now_s - index_built_at_s,
        )
        if record:
            self.history.append(metrics)
            self._evaluate(metrics)
        return metrics

    def _evaluate(self, m: Metrics) -> None:
        th = self.thresholds
        if self._cost_baseline is None and len(self.history) >= 3 and m.requests:
            self._cost_baseline = sorted(h.cost_per_min for h in self.history[-3:])[1]
        checks = {
            "error_rate": (m.error_rate, th.error_rate, m.requests >= 5 and m.error_rate > th.error_rate),
            "latency_p99": (m.p99_ms, th.latency_p99_ms, m.requests >= 5 and m.p99_ms > th.latency_p99_ms),
            "quality": (m.quality if m.quality is not None else 1.0, th.quality,
                        m.judged >= 12 and m.quality is not None and m.quality < th.quality),
            "refusal_rate": (m.refusal_rate, th.refusal_rate, m.requests >= 5 and m.refusal_rate > th.refusal_rate),
        }
        if self._cost_baseline:
            limit = self._cost_baseline * th.cost_ratio
            checks["cost_anomaly"] = (m.cost_per_min, limit, m.cost_per_min > limit)
        for name, (value, threshold, bad) in checks.items():
            if bad and name not in self.firing:
                self._tell(AlertChange(name, True, value, threshold, m.t_s))
            elif not bad and name in self.firing:
                self._tell(AlertChange(name, False, value, threshold, m.t_s))

    def _tell(self, change: AlertChange) -> None:
        if change.firing:
            self.firing[change.alert] = change
        else:
            self.firing.pop(change.alert, None)
        for listener in self.alert_listeners:
            listener(change)


def _pct(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]
