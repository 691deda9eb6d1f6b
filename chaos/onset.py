"""When did it start? The first lasting change on the dashboard, against the drill's own early baseline.

"When did it start? (Check your monitoring)" is the runbook's first characterisation question.
A person answers it from the dashboard's history, not from when the pager went off: here from the
metrics ticks a responder saw, each a rolling window. A signal counts only when it stays off its
baseline for several ticks in a row, so the judge's noise and one slow request do not start an
incident. Metrics after the responder's own containment are left out: cached answers are fast,
cheap and never fail, and would hide the incident they replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from chaos.clock import clock_label
from chaos.taxonomy import Symptom

RUN = 3  # ticks in a row off the baseline
BASELINE_UNTIL_S = 300.0  # the drill's first minutes are its normal
MIN_JUDGED = 8


@dataclass(frozen=True)
class Signal:
    metric: str
    rise: bool  # True: worse when higher
    relative: bool  # True: compare as a ratio to the baseline, else as a difference
    threshold: float


SIGNALS: dict[str, Signal] = {
    Symptom.ERRORS.value: Signal("error_rate", True, False, 0.025),
    Symptom.REFUSALS.value: Signal("refusal_rate", True, False, 0.025),
    Symptom.WRONG_ANSWERS.value: Signal("quality", False, False, 0.12),
    Symptom.LATENCY.value: Signal("p99_ms", True, True, 1.5),
    Symptom.COST.value: Signal("cost_per_min", True, True, 1.4),
    "context": Signal("avg_context_tokens", True, True, 1.2),
}


@dataclass
class Onset:
    t_s: float
    reason: str
    deviations: list[str] = field(default_factory=list)  # the signals that moved, earliest first
    starts: dict[str, float] = field(default_factory=dict)  # signal -> when it moved
    before: list[dict[str, Any]] = field(default_factory=list)
    after: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return clock_label(self.t_s)

    def ratio(self, metric: str) -> float:
        """Mean of ``metric`` after the onset over its mean before (1.0 without data)."""
        before = [m[metric] for m in self.before if m.get(metric) is not None]
        after = [m[metric] for m in self.after if m.get(metric) is not None]
        if not before or not after or not sum(before):
            return 1.0
        return (sum(after) / len(after)) / (sum(before) / len(before))


def _value(point: dict[str, Any], signal: Signal) -> float | None:
    if signal.metric == "quality" and (point.get("judged") or 0) < MIN_JUDGED:
        return None
    if not point.get("requests"):
        return None
    value = point.get(signal.metric)
    return None if value is None else float(value)


def _off(value: float, base: float, signal: Signal) -> bool:
    if signal.relative:
        return value >= base * signal.threshold if signal.rise else value <= base / signal.threshold
    return value - base >= signal.threshold if signal.rise else base - value >= signal.threshold


def _first_run(points: list[dict[str, Any]], signal: Signal, base: float) -> float | None:
    """The time of the first tick of the first run of RUN ticks off the baseline (ticks without data skipped)."""
    run: list[float] = []
    for p in points:
        value = _value(p, signal)
        if value is None:
            continue
        if _off(value, base, signal):
            run.append(p["t_s"])
            if len(run) >= RUN:
                return run[0]
        else:
            run = []
    return None


def _baselines(points: list[dict[str, Any]]) -> dict[str, float]:
    out = {}
    for name, signal in SIGNALS.items():
        values = [v for p in points if (v := _value(p, signal)) is not None]
        if values:
            out[name] = median(values)
    return out


def _from_failures(failing_s: list[float], end_s: float) -> float | None:
    """The first minute from which failing traces keep coming well above their early rate (the judge's noise)."""
    counts = [0] * (int(end_s // 60) + 1)
    for t in failing_s:
        if 0 <= t <= end_s:
            counts[int(t // 60)] += 1
    first = int(BASELINE_UNTIL_S // 60)
    base = median(counts[1:first]) if first > 1 else 0.0
    need = max(6.0, 6 * base + 3)  # three minutes at twice the noise, and then some
    for minute in range(first, len(counts) - 1):
        window = counts[minute:minute + 3]  # the last minutes before the look count for what they cover
        if counts[minute] >= 1 and sum(window) >= need * len(window) / 3:
            return minute * 60.0
    return None


def find_onset(
    points: list[dict[str, Any]],
    *,
    end_s: float,
    failing_s: list[float] | None = None,
    paged_s: float | None = None,
    since_s: float = 0.0,
) -> Onset:
    """The onset from metrics ticks (sorted by time) up to ``end_s``; else from the times of failing
    traces; the page only as a last resort."""
    usable = [p for p in points if 60 <= p["t_s"] <= end_s]
    early = [p for p in usable if p["t_s"] <= BASELINE_UNTIL_S] or usable[:RUN]
    base = _baselines(early)
    search = [p for p in usable if p["t_s"] > (early[-1]["t_s"] if early else 0) and p["t_s"] >= since_s]
    starts = {name: t for name, signal in SIGNALS.items() if name in base
              if (t := _first_run(search, signal, base[name])) is not None}
    if starts:
        first = min(starts.values())
        onset_s = max(0.0, first - 45)  # the first bad window ends at ``first`` and began a minute earlier
        reason = "first lasting change in " + ", ".join(sorted(starts, key=lambda n: starts[n]))
    elif (from_traces := _from_failures(failing_s or [], end_s)) is not None:
        onset_s, reason = from_traces, "no lasting change on the dashboard; failing traces keep coming from then"
    else:
        onset_s = paged_s - 120 if paged_s is not None else end_s - 300
        reason = "no lasting change on the dashboard or in failing traces; two minutes before the page"
    clean = [p for p in usable if p["t_s"] < onset_s]
    after = [p for p in usable if p["t_s"] >= onset_s + 60] or [p for p in usable if p["t_s"] >= onset_s]
    return Onset(onset_s, reason, sorted(starts, key=lambda n: starts[n]), starts, clean or early, after)
