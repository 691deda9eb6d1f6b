"""A scenario as typed data: briefing, world settings, timeline, hidden ground truth, targets.

Validated once on load (``chaos.loader``); inside firedrill it is trusted. Times in YAML are drill
minutes (``at_min``), because that is how facilitators think; code uses ``*_s`` properties.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chaos.faults.spec import FaultSpec
from chaos.taxonomy import Action, Cause, Row, Symptom
from fake_llm.world.vocabulary import JUDGE_NOISE, JUDGE_SAMPLE_RATE


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class ChangeKind(StrEnum):
    PROMPT_DEPLOY = "prompt_deploy"
    MODEL_VERSION = "model_version"
    INDEX_REFRESH = "index_refresh"
    CONFIG = "config"
    TRAFFIC = "traffic"
    DOCS = "docs"
    DEPLOY = "deploy"


class Briefing(Strict):
    page: str  # what the pager says
    reports: list[str] = Field(default_factory=list)  # first user reports
    # when the page goes out if monitoring has not paged first (user reports, an escalation); without
    # it the first alert after the incident starts pages, else user reports three minutes in
    page_at_min: float | None = Field(None, ge=0)


class Segment(Strict):
    name: str
    weight: float = Field(gt=0)


class TrafficShape(StrEnum):
    STEADY = "steady"
    DIURNAL = "diurnal"
    SPIKY = "spiky"


class Traffic(Strict):
    rate_per_s: float = Field(2.0, gt=0, le=500)
    shape: TrafficShape = TrafficShape.STEADY


class Judge(Strict):
    sample_rate: float = Field(JUDGE_SAMPLE_RATE, ge=0, le=1)
    noise: float = Field(JUDGE_NOISE, ge=0, le=0.5)


class Thresholds(Strict):
    """Alert thresholds, evaluated over the metrics window."""

    error_rate: float = Field(0.05, ge=0, le=1)
    latency_p99_ms: float = Field(8000, gt=0)
    quality: float = Field(0.85, ge=0, le=1)  # fire below this
    cost_ratio: float = Field(2.0, gt=1)  # fire when cost/min exceeds baseline × this
    refusal_rate: float = Field(0.10, ge=0, le=1)


class StatusUpdate(Strict):
    at_min: float = Field(ge=0)
    status: Literal["investigating", "identified", "monitoring", "resolved"]
    message: str


class PostedIncident(Strict):
    """An incident the scenario posts on the provider's status page itself (any fault, or none at all)."""

    title: str
    components: list[str] = Field(default_factory=list)
    updates: list[StatusUpdate] = Field(min_length=1)


class ProviderStatus(Strict):
    """How the provider's status page behaves: provider-side faults open incidents late, or never."""

    silent_chance: float = Field(0.25, ge=0, le=1)  # share of provider incidents never posted
    post_delay_min: tuple[float, float] = (4, 15)  # the first post comes this many minutes late
    identify_after_min: tuple[float, float] = (10, 25)  # "identified" this long after the first post
    incidents: list[PostedIncident] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ranges(self) -> ProviderStatus:
        for name in ("post_delay_min", "identify_after_min"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise ValueError(f"{name} is [low, high] minutes with 0 <= low <= high, not {[low, high]}")
        return self


class WorldSettings(Strict):
    kb_chunks: int = Field(300, ge=20, le=20000)
    traffic: Traffic = Traffic()
    segments: list[Segment] = Field(
        default_factory=lambda: [Segment(name="free", weight=0.6), Segment(name="pro", weight=0.3),
                                 Segment(name="enterprise", weight=0.1)]
    )
    judge: Judge = Judge()
    alerts: Thresholds = Thresholds()
    metrics_window_s: float = Field(60, gt=0)
    primary_model: str = "fd-large"
    backup_model: str = "fd-small"
    # an answer slower than this harms its user (the scorer's "slow"); 5 s is a common chat SLO,
    # and five times this world's healthy p99 (about 1.1 s)
    latency_slo_ms: float = Field(5000, gt=0)
    provider_status: ProviderStatus = ProviderStatus()


FaultEntry = FaultSpec  # a timeline fault: the engine's own spec, scheduled by its timeline item


class ChangeEntry(Strict):
    """A change-log entry. A ``prompt_deploy`` really ships a prompt version (the current text plus
    ``prompt_append``), so traces show it and rolling it back works, as in production."""

    id: str
    kind: ChangeKind
    summary: str
    author: str = "deploy-bot"
    prompt_append: str | None = None  # prompt_deploy only: text the new version adds to the prompt
    config: dict[str, int] | None = None  # config only: the app settings it really changes

    @model_validator(mode="after")
    def _prompt_only(self) -> ChangeEntry:
        if self.prompt_append is not None and self.kind is not ChangeKind.PROMPT_DEPLOY:
            raise ValueError("prompt_append belongs to a prompt_deploy change")
        if self.config is not None:
            if self.kind is not ChangeKind.CONFIG:
                raise ValueError("config belongs to a config change")
            unknown = set(self.config) - set(APP_SETTINGS)
            if unknown:
                raise ValueError(f"unknown app settings {sorted(unknown)}; known: {', '.join(APP_SETTINGS)}")
        return self


APP_SETTINGS = {"parse_retries": "how often the assistant asks again for an answer that does not parse (0-10)"}


def apply_change(world: Any, change: ChangeEntry) -> None:
    """Put one timeline change into the world: a prompt deploy ships a version, the rest is a log entry."""
    if change.kind is ChangeKind.PROMPT_DEPLOY:
        text = world.prompts.current.text + (f"\n{change.prompt_append}" if change.prompt_append else "")
        world.deploy_prompt(text, message=change.summary, by=change.author, change_id=change.id)
    else:
        for name, value in (change.config or {}).items():
            setattr(world.controls, name, max(0, min(10, int(value))))
        world.add_change(change.kind.value, change.summary, author=change.author, change_id=change.id)


class TimelineItem(Strict):
    """One thing that happens at ``at_min``: a fault (until ``stop_min``) or a change-log entry."""

    at_min: float = Field(ge=0)
    stop_min: float | None = Field(None, gt=0)
    fault: FaultEntry | None = None
    change: ChangeEntry | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> TimelineItem:
        if (self.fault is None) == (self.change is None):
            raise ValueError("each timeline item has exactly one of 'fault' or 'change'")
        if self.stop_min is not None and self.stop_min <= self.at_min:
            raise ValueError("stop_min must be after at_min")
        return self

    @property
    def at_s(self) -> float:
        return self.at_min * 60

    @property
    def stop_s(self) -> float | None:
        return None if self.stop_min is None else self.stop_min * 60


class GroundTruth(Strict):
    """The answer. Only the facilitator and the scorer see it."""

    row: Row
    symptom: Symptom
    cause: Cause
    started_min: float = Field(ge=0)
    fraction: float = Field(gt=0, le=1)
    segment: str | None = None
    topics: list[str] = Field(default_factory=list)
    change_id: str | None = None  # the change-log entry that caused it, if any
    containment: list[str] = Field(min_length=1)  # "action[:arg]" keys that stop bad answers
    mitigations: list[str] = Field(min_length=1)  # "action[:arg]" keys that fix or mitigate
    red_herrings: list[str] = Field(default_factory=list)  # innocent change ids
    start_tolerance_min: float = Field(5, ge=0)
    fraction_tolerance: float = Field(0.15, ge=0, le=1)

    @model_validator(mode="after")
    def _actions_known(self) -> GroundTruth:
        names = {a.value for a in Action}
        for key in [*self.containment, *self.mitigations]:
            if key.split(":", 1)[0] not in names:
                raise ValueError(f"unknown action {key!r}; known: {', '.join(sorted(names))}")
        return self

    @property
    def started_s(self) -> float:
        return self.started_min * 60


class Targets(Strict):
    acknowledge_min: float = Field(5, gt=0)
    contain_min: float = Field(10, gt=0)
    characterise_min: float = Field(20, gt=0)
    mitigate_min: float = Field(30, gt=0)


class Hint(Strict):
    text: str
    cost: float = Field(5, ge=0, le=100)  # points off the overall score


class Scenario(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    difficulty: Difficulty
    duration_min: float = Field(gt=0, le=24 * 60)
    speed: float = Field(1.0, gt=0, le=1000)
    seed: int = 0
    briefing: Briefing
    world: WorldSettings = WorldSettings()
    timeline: list[TimelineItem] = Field(default_factory=list)
    ground_truth: GroundTruth
    targets: Targets = Targets()
    hints: list[Hint] = Field(default_factory=list)
    facilitator_notes: str = ""
    tags: list[str] = Field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.duration_min * 60

    def public_summary(self) -> dict[str, Any]:
        """What responders may see before and during the drill: never the answer."""
        return {
            "id": self.id,
            "title": self.title,
            "difficulty": self.difficulty.value,
            "duration_min": self.duration_min,
            "briefing": self.briefing.model_dump(),
        }
