"""Scripted responders: a runbook as code, run on the drill clock against the same controls people use.

    name: runbook
    check_every_s: 30
    rules:
      - when: {paged: true}
        do: [ack]
      - when: {paged: true}
        after_min: 2
        do: [contain]
      - when: {alert: quality, for_min: 2}
        do: ["fallback:cached", {note: "containing"}, {declare: {symptom: wrong-answers}}]

Conditions: ``paged``, ``alert`` (a name, or ``any``), ``at_min``, ``metric`` with ``above`` /
``below``, ``contained``, ``diagnosed``. Steps: an action key (``fallback:cached``, ``ack``,
``index-rebuild``), ``{declare: {...}}``, ``{note: text}``, or the runbook's judgement steps
``contain``, ``diagnose``, ``mitigate`` and ``restore``, which decide from what on-call can see.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chaos.diagnosis import Diagnosis, cache_failing_topics, diagnose
from chaos.errors import DrillError
from chaos.loader import read_yaml, validate
from chaos.oncall import OnCallView
from chaos.taxonomy import Action, parse_action
from scenarios import PLAYBOOK_DIR

if TYPE_CHECKING:
    from chaos.drill import Drill

ACTOR = "playbook"
JUDGEMENT_STEPS = {"look", "contain", "diagnose", "mitigate", "restore", "reopen"}


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    paged: bool | None = None
    alert: str | None = None
    for_min: float = Field(0, ge=0)
    at_min: float | None = Field(None, ge=0)
    metric: str | None = None
    above: float | None = None
    below: float | None = None
    contained: bool | None = None
    diagnosed: bool | None = None
    restored: bool | None = None  # live answers are back after a mitigation


Step = str | dict[str, Any]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    when: Condition
    after_min: float = Field(0, ge=0)
    do: list[Step] = Field(min_length=1)
    repeat: bool = False  # armed again by ``reopen``: the steps of one response cycle

    @field_validator("do")
    @classmethod
    def _steps_known(cls, steps: list[Step]) -> list[Step]:
        actions = {a.value for a in Action}
        for step in steps:
            if isinstance(step, str):
                if step not in JUDGEMENT_STEPS and step.split(":", 1)[0] not in actions:
                    known = ", ".join(sorted(JUDGEMENT_STEPS | actions))
                    raise ValueError(f"unknown step {step!r}; known: {known}, or {{declare: …}} / {{note: …}}")
            elif set(step) - {"declare", "note"} or len(step) != 1:
                raise ValueError(f"a mapping step is {{declare: {{…}}}} or {{note: text}}, not {step!r}")
        return steps


class Playbook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    check_every_s: float = Field(30, gt=0)
    rules: list[Rule] = Field(default_factory=list)

    def responder(self) -> ScriptedResponder:
        return ScriptedResponder(self)


def load_playbook(path: str | Path) -> Playbook:
    p = Path(path)
    if (
        not p.exists()
        and (PLAYBOOK_DIR / f"{path}.yaml").exists()
    ):
        p = PLAYBOOK_DIR / f"{path}.yaml"
    return validate(Playbook, read_yaml(p), p)


class ScriptedResponder:
    """Runs one playbook inside one drill as a simpy process."""

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.diagnosis: Diagnosis | None = None
        self.contained = False
        self.contained_at: float | None = None
        self.alerts_seen: set[str] = set()
        self._since: dict[int, float] = {}
        self._done: set[int] = set()
        self._alert_since: dict[str, float] = {}
        self.view: OnCallView | None = None  # what this responder sees, and remembers seeing
        self.restored = False
        self.restored_at: float | None = None
        self.cycles = 0
        self.standing: Diagnosis | None = None  # the last diagnosis declared: a later look must beat it
        self.cache_fails: list[str] = []  # topics whose cached answers were seen failing (the cache stays so)
        self.disabled_topics: list[str] = []  # topics this responder switched off meanwhile

    def run(self, drill: Drill) -> Any:
        self.view = OnCallView(drill, ACTOR)
        while not drill.ended:
            yield drill.env.timeout(self.playbook.check_every_s)
            if drill.ended:
                return
            now = drill.now_s()
            status = self.view.status()
            firing = {a["alert"] for a in status["alerts"]}
            if drill.paged_at is not None:
                self.alerts_seen |= firing
            self._alert_since = {a: self._alert_since.get(a, now) for a in firing}
            for i, rule in enumerate(self.playbook.rules):
                if i in self._done:
                    continue
                if not self._holds(rule.when, drill, status, now):
                    self._since.pop(i, None)
                    continue
                start = self._since.setdefault(i, now)
                if now - start >= rule.after_min * 60:
                    self._done.add(i)
                    for step in rule.do:
                        self._execute(step, drill)

    def _holds(self, c: Condition, drill: Drill, status: dict[str, Any], now: float) -> bool:
        if c.paged is not None and (drill.paged_at is not None) != c.paged:
            return False
        if c.at_min is not None and now < c.at_min * 60:
            return False
        if c.alert is not None:
            names = list(self._alert_since) if c.alert == "any" else [c.alert]
            # after a restore, an alert counts from the restore on: one still firing from before it has to
            # keep firing on live answers for ``for_min`` before it says the incident is not over
            floor = self.restored_at if c.restored and self.restored_at is not None else float("-inf")
            if not any(n in self._alert_since and now - max(self._alert_since[n], floor) >= c.for_min * 60
                       for n in names):
                return False
        if c.metric is not None:
            value = (status["metrics"] or {}).get(c.metric)
            if (
                value is None
                or (c.above is not None and value <= c.above)
                or (c.below is not None and value >= c.below)
            ):
                return False
        if c.contained is not None and self.contained != c.contained:
            return False
        if c.restored is not None and self.restored != c.restored:
            return False
        return c.diagnosed is None or (self.diagnosis is not None) == c.diagnosed

    def _execute(self, step: Step, drill: Drill) -> None:
        try:
            if isinstance(step, dict):
                if "note" in step:
                    drill.note(ACTOR, str(step["note"]))
                else:
                    drill.declare(ACTOR, **step["declare"])
            elif step in JUDGEMENT_STEPS:
                getattr(self, f"_{step}")(drill)
            else:
                name, _, arg = step.partition(":")
                drill.act(ACTOR, parse_action(name), arg or None)
        except DrillError as exc:
            drill.note(ACTOR, f"step {step!r} failed: {exc}")

    def _look(self, drill: Drill) -> None:
        """Pull up the latest traces and the failing ones, as on-call does when the pager goes off."""
        view = self._view(drill)
        view.traces()
        view.traces(failing=True)

    def _view(self, drill: Drill) -> OnCallView:
        if self.view is None:
            self.view = OnCallView(drill, ACTOR)
        return self.view

    def _contain(self, drill: Drill) -> None:
        """Contain first: stop serving model answers, but keep answering known questions from the cache
        (except on topics an earlier look found the cache wrong about: those stay switched off)."""
        drill.act(ACTOR, Action.FALLBACK, "cached")
        for topic in self.cache_fails:
            self._disable(drill, topic)
        self.contained = True
        self.contained_at = drill.now_s()

    def _diagnose(self, drill: Drill) -> None:
        view = self._view(drill)
        found = diagnose(view, contained_s=self.contained_at, since_s=self.restored_at or 0.0)
        if self.standing is not None and not found.conclusive:
            # a second look that finds nothing it can name does not overturn what the first one showed
            drill.note(ACTOR, f"looked again, nothing conclusive ({'; '.join(found.evidence)}): "
                              f"keeping row {self.standing.row.value}")
            self.diagnosis = self.standing
        else:
            self.diagnosis = self.standing = found
            drill.note(ACTOR, f"runbook row {found.row.value}: " + "; ".join(found.evidence))
            drill.declare(ACTOR, **found.declaration())
        self._check_containment(drill, view)

    def _check_containment(self, drill: Drill, view: OnCallView) -> None:
        """Does the containment hold? The cached answers are judged like live ones: where they fail too (a
        cache built before the documents changed), switch those topics off instead."""
        if drill.status()["controls"]["fallback"] != "cached" or self.contained_at is None:
            return
        for topic in cache_failing_topics(view, since_s=self.contained_at):
            if topic not in self.cache_fails:
                self.cache_fails.append(topic)
                drill.note(ACTOR, f"cached answers on {topic} fail too: switching the topic off")
            self._disable(drill, topic)

    def _disable(self, drill: Drill, topic: str) -> None:
        if topic not in self.disabled_topics:
            drill.act(ACTOR, Action.TOPIC_DISABLE, topic)
            self.disabled_topics.append(topic)

    def _mitigate(self, drill: Drill) -> None:
        if self.diagnosis is None:
            self._diagnose(drill)
        assert self.diagnosis is not None
        action, arg = self.diagnosis.mitigation()
        drill.act(ACTOR, parse_action(action), arg)

    def _restore(self, drill: Drill) -> None:
        """Back from the cache to live answers once the mitigation is in (unless it was a fallback)."""
        if drill.status()["controls"]["fallback"] == "cached":
            drill.act(ACTOR, Action.FALLBACK, "off")
        for topic in self.disabled_topics:
            drill.act(ACTOR, Action.TOPIC_ENABLE, topic)
        self.disabled_topics = []
        self.restored, self.restored_at = True, drill.now_s()

    def _reopen(self, drill: Drill) -> None:
        """It is not over: alerts fire again after the restore. Start the response again (``repeat`` rules),
        reading only what happened since the restore. At most two more cycles, then it is a team's call."""
        if self.cycles >= 2:
            return
        self.cycles += 1
        drill.note(ACTOR, "Alerts again after the restore: containing and looking again.")
        self.contained = self.restored = False
        self.contained_at, self.diagnosis = None, None
        self._done -= {i for i, rule in enumerate(self.playbook.rules) if rule.repeat}
        self._since.clear()
