"""Rolling metrics over a window on the drill clock: what a dashboard would chart.

Each request leaves one compact row; a snapshot drops rows older than the window and aggregates
the rest, so metrics cost O(window) however long the drill runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from fake_llm.world.feature import Answer


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
    avg_output_tokens: float = 0.0  # per answered request
    cost_per_request: float = 0.0  # USD, mean over the window's requests
    # the judge's pass rate over a longer window: a sampled judge sees few answers a minute, and an alert
    # on one minute of them pages on its own noise (what real judge-based alerts learn the hard way)
    quality_5m: float | None = None
    judged_5m: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


JUDGE_WINDOW_S = 300.0


class Row(NamedTuple):
    t_s: float
    latency_ms: float
    error: bool
    refused: bool
    served: bool
    verdict: bool | None
    cost_usd: float
    context_tokens: int
    output_tokens: int


class Window:
    """The requests of the last ``window_s`` drill seconds."""

    def __init__(self, window_s: float = 60.0, judge_window_s: float = JUDGE_WINDOW_S) -> None:
        self.window_s = window_s
        self.judge_window_s = max(window_s, judge_window_s)
        self._rows: deque[Row] = deque()
        self._verdicts: deque[tuple[float, bool]] = deque()

    def add(self, answer: Answer, verdict: bool | None) -> None:
        if verdict is not None:
            self._verdicts.append((answer.t_s, verdict))
        self._rows.append(Row(answer.t_s, answer.latency_s * 1000, answer.status == "error", answer.refused,
                              answer.served, verdict, answer.cost_usd, answer.context_tokens,
                              answer.output_tokens))

    def metrics(self, now_s: float, index_built_at_s: float) -> Metrics:
        while self._rows and self._rows[0].t_s < now_s - self.window_s:
            self._rows.popleft()
        while self._verdicts and self._verdicts[0][0] < now_s - self.judge_window_s:
            self._verdicts.popleft()
        long_judged = len(self._verdicts)
        rows = self._rows
        n = len(rows)
        lat = sorted(r.latency_ms for r in rows)
        judged = [r.verdict for r in rows if r.verdict is not None]
        span = min(self.window_s, max(now_s, 1e-9))
        return Metrics(
            t_s=now_s, window_s=self.window_s, requests=n, request_rate=n / span,
            error_rate=sum(r.error for r in rows) / n if n else 0.0,
            refusal_rate=sum(r.refused for r in rows) / n if n else 0.0,
            p50_ms=percentile(lat, 0.50), p99_ms=percentile(lat, 0.99),
            quality=sum(judged) / len(judged) if judged else None, judged=len(judged),
            cost_per_min=sum(r.cost_usd for r in rows) * 60 / span,
            avg_context_tokens=sum(r.context_tokens for r in rows) / n if n else 0.0,
            index_age_s=now_s - index_built_at_s,
            avg_output_tokens=sum(r.output_tokens for r in rows) / n if n else 0.0,
            cost_per_request=sum(r.cost_usd for r in rows) / n if n else 0.0,
            quality_5m=sum(v for _, v in self._verdicts) / long_judged if long_judged else None,
            judged_5m=long_judged,
        )


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]
