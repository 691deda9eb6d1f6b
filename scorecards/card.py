"""The scorecard as plain data. Renderers (terminal, Markdown, HTML, JSON) only read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class StageResult:
    name: str
    verdict: str  # pass | fail | n/a
    at_s: float | None  # drill seconds after the page; None if it never happened
    target_s: float | None
    score: float  # 0..1
    weight: float  # points this stage is worth out of 100
    explanation: str
    formula: str = ""  # the arithmetic behind the points, with its numbers
    numbers: dict[str, float | None] = field(default_factory=dict)

    @property
    def points(self) -> float:
        return self.score * self.weight


@dataclass
class KindCount:
    """One kind of harm: requests it reached and distinct users, before and after containment."""

    kind: str
    weight: float
    requests: int = 0
    users: int = 0
    before: int = 0
    after: int = 0


@dataclass
class BlastRadius:
    bad_before: int = 0  # wrong answers served (the ground truth's "bad"), before containment
    bad_after: int = 0
    users_before: int = 0  # distinct users who saw one before containment
    users_after: int = 0
    requests: int = 0
    harmed_requests: int = 0  # of any kind
    harmed_users: int = 0
    harm_units: float = 0.0  # weighted (see scorecards.harm), above the pre-incident normal, page to end
    baseline_harm_units: float = 0.0  # the same had nobody responded, over the same window (page to the drill's end)
    by_kind: list[KindCount] = field(default_factory=list)
    cost_usd: float = 0.0
    cost_overrun_usd: float = 0.0  # above the pre-incident cost per request, after the page
    baseline_cost_overrun_usd: float = 0.0

    @property
    def bad_total(self) -> int:
        return self.bad_before + self.bad_after

    @property
    def kinds_text(self) -> str:
        """"2940 slow, 12 error": a latency or outage incident harms users without one wrong answer, and the
        headline must say so rather than show zeros."""
        return ", ".join(f"{k.requests} {k.kind}" for k in self.by_kind if k.requests) or "none"


@dataclass
class FieldCheck:
    field: str
    declared: Any
    truth: Any
    ok: bool | None  # None: not declared


@dataclass
class Conduct:
    investigating_while_affected_min: float = 0.0
    harmful_actions: list[str] = field(default_factory=list)
    no_effect_actions: list[str] = field(default_factory=list)
    red_herrings: list[str] = field(default_factory=list)
    failed_actions: list[str] = field(default_factory=list)
    declaration_changes: list[str] = field(default_factory=list)
    ignored_before_page: list[str] = field(default_factory=list)  # acted or declared before the page: no credit
    penalty: float = 0.0
    formula: str = ""

    def reasons(self) -> list[str]:
        """Every line that cost points or credit, for the card."""
        return (
            [f"made it worse: {a}" for a in self.harmful_actions]
            + [f"red herring: {a}" for a in self.red_herrings]
            + [f"failed or rejected: {a}" for a in self.failed_actions]
            + [f"changed the characterisation: {a}" for a in self.declaration_changes]
            + [f"before the page (no credit): {a}" for a in self.ignored_before_page]
        )


@dataclass
class Mark:
    t_min: float
    kind: str  # alert | action | stage | page | declaration | hint | injection
    label: str
    actor: str = ""  # who did it: a responder's name, "facilitator", or "" for the system
    flag: str = ""  # "false alert" (no fault in play), "injected" (the facilitator's, not the scenario's)


@dataclass
class Band:
    """A fault in play, from its start to the moment it stopped (a fix, its schedule, or the end)."""

    start_min: float
    end_min: float | None  # None: still in play when the drill ended
    label: str
    injected: bool = False  # added by the facilitator during the drill, not part of the scenario
    mitigated_min: float | None = None  # the incident's fault: when the first mitigation took effect on it


@dataclass
class Timeline:
    minutes: list[int] = field(default_factory=list)
    quality: list[float | None] = field(default_factory=list)  # correct share of served answers (truth)
    judge_quality: list[float | None] = field(default_factory=list)
    error_rate: list[float | None] = field(default_factory=list)
    p99_ms: list[float | None] = field(default_factory=list)
    bad: list[int] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    fault_bands: list[Band] = field(default_factory=list)
    clock_start_min: float = 14 * 60  # minute of the day drill time 0 shows as, so the chart reads like the tables
    end_min: float = 0.0  # when the drill ended, in drill minutes


@dataclass
class Scorecard:
    drill_id: str
    scenario_id: str
    scenario_title: str
    seed: int | None
    team: str | None
    page_clock: str
    stages: list[StageResult]
    blast_radius: BlastRadius
    characterisation: list[FieldCheck]
    conduct: Conduct
    hints: list[dict[str, Any]]
    hint_cost: float
    overall: float
    grade: str
    responders: dict[str, list[str]]  # name -> roles
    evals: list[dict[str, Any]]
    timeline: Timeline
    baseline_quality: float | None
    # how the drill ended (the runner's reason); "interrupted": its runner stopped before the end and the drill
    # was closed as it was; None: the journal has no end yet (still running, or its runner died unmarked)
    ended: str | None = None
    end_clock: str = ""  # the drill clock at its last event
    baseline: str = "counterfactual"  # counterfactual (idle run of the same scenario and seed) | estimated
    # the counterfactual's figures as the scorer used them (scorecards.harm.Profile.to_dict()): scoring the
    # journal against these gives this card again, even after the code that computes baselines changed
    baseline_profile: dict[str, Any] | None = None

    @property
    def partial(self) -> str | None:
        """A warning for a card scored before its drill's real end (every renderer shows it), else None."""
        if self.ended == "interrupted":
            return ("interrupted: the drill's runner stopped before its end; scored as far as it got "
                    f"(to {self.end_clock})")
        if self.ended is None:
            return ("not ended: the drill is still running, or its runner stopped without closing it; "
                    f"scored as far as it got (to {self.end_clock})")
        return None

    def stage(self, name: str) -> StageResult:
        return next(s for s in self.stages if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        """Deterministic: rounded floats, so re-scoring gives byte-identical JSON."""
        rounded: dict[str, Any] = _round(asdict(self))
        rounded["baseline_profile"] = self.baseline_profile  # already rounded as the scorer read it: kept exact
        rounded["partial"] = self.partial
        return rounded


def shown(value: Any) -> str:
    """A declared or true field as a person reads it: lists joined, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value
