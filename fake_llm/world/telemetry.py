"""What responders see: traces, rolling metrics over the drill clock, a sampling judge, alerts.

Telemetry wires the three together for one world: every answer is kept as a trace (the latest
``MAX_TRACES``, with their verdicts: a drill's hour is 70,000 answers), maybe judged, and counted in
the window; every recorded tick is kept as history and checked by the alerts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from fake_llm.world.alerts import AlertChange, Alerts, Thresholds
from fake_llm.world.feature import Answer
from fake_llm.world.judge import Judge
from fake_llm.world.metrics import Metrics, Window
from fake_llm.world.vocabulary import JUDGE_NOISE, JUDGE_SAMPLE_RATE

__all__ = ["MAX_TRACES", "AlertChange", "Metrics", "Telemetry", "Thresholds"]

MAX_TRACES = 20_000


@dataclass
class Telemetry:
    window_s: float = 60.0
    judge_rate: float = JUDGE_SAMPLE_RATE
    judge_noise: float = JUDGE_NOISE
    seed: int = 0
    thresholds: Thresholds = field(default_factory=Thresholds)
    traces: OrderedDict[str, Answer] = field(default_factory=OrderedDict)
    judgements: dict[str, bool] = field(default_factory=dict)
    history: list[Metrics] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.window = Window(self.window_s)
        self.judge = Judge(self.judge_rate, self.judge_noise, self.seed)
        self.alerts = Alerts(self.thresholds)

    @property
    def firing(self) -> dict[str, AlertChange]:
        return self.alerts.firing

    @property
    def alert_listeners(self) -> list[Callable[[AlertChange], None]]:
        return self.alerts.listeners

    def record(self, answer: Answer) -> bool | None:
        """Keep the trace and its metrics row; returns the judge's verdict if it was sampled."""
        self.traces[answer.trace_id] = answer
        if len(self.traces) > MAX_TRACES:  # a forgotten trace's verdict goes with it: nobody can look it up
            gone, _ = self.traces.popitem(last=False)
            self.judgements.pop(gone, None)
        self.judge.sample_rate, self.judge.noise = self.judge_rate, self.judge_noise  # tunable at run time
        verdict = self.judge.grade(answer)
        if verdict is not None:
            self.judgements[answer.trace_id] = verdict
        self.window.add(answer, verdict)
        return verdict

    def snapshot(self, now_s: float, index_built_at_s: float, *, record: bool = True) -> Metrics:
        """Metrics over the window ending now; ``record`` keeps them as a tick and evaluates alerts."""
        metrics = self.window.metrics(now_s, index_built_at_s)
        if record:
            self.history.append(metrics)
            self.alerts.evaluate(metrics)
        return metrics
