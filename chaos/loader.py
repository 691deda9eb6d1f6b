"""Loading scenarios and playbooks: safe YAML, validated fully before anything runs.

Every error is a ScenarioError with file, line and field, for example
``scenarios/x.yaml:23: timeline.2.fault.type: unknown fault type 'latncy'; known types: …``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chaos.errors import FaultError, ScenarioError
from chaos.faults.registry import build_fault
from chaos.scenario import Scenario
from chaos.taxonomy import DECISION_TREE
from chaos.yaml_lines import LineLoader, line_of
from fake_llm.catalog import Catalog
from scenarios import SCENARIO_DIR as SCENARIO_DIR  # re-exported: where the bundled library lives

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"invalid YAML: {problem}", file=str(path), line=mark.line + 1 if mark else None) from None


def validate(model: type[M], doc: Any, path: Path) -> M:
    if not isinstance(doc, dict):
        raise ScenarioError("expected a mapping at the top of the file", file=str(path), line=1)
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see scenarios/README.md)"
        elif err["type"] == "missing":
            message = "required field is missing"
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        raise ScenarioError(message + more, file=str(path), line=line_of(doc, loc), field=field) from None


def resolve(name_or_path: str) -> Path:
    """A library scenario id (``stale-prices``) or a path to a YAML file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    candidate = SCENARIO_DIR / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
    raise ScenarioError(f"no scenario {name_or_path!r}; library scenarios: {known}", file=name_or_path)


def load_scenario(name_or_path: str | Path) -> Scenario:
    path = resolve(str(name_or_path))
    doc = read_yaml(path)
    scenario = validate(Scenario, doc, path)
    _check_references(scenario, doc, path)
    return scenario


def _check_references(s: Scenario, doc: Any, path: Path) -> None:
    def fail(message: str, loc: tuple[Any, ...]) -> None:
        raise ScenarioError(message, file=str(path), line=line_of(doc, loc), field=".".join(map(str, loc)))

    change_ids = {i.change.id for i in s.timeline if i.change}
    change_ids |= {str(i.fault.params["change_id"]) for i in s.timeline if i.fault and "change_id" in i.fault.params}
    segments = {seg.name for seg in s.world.segments}
    for n, item in enumerate(s.timeline):
        if item.at_min > s.duration_min:
            fail(
                f"at_min {item.at_min} is after the end of the drill ({s.duration_min} min)", ("timeline", n, "at_min")
            )
        if item.fault is not None:
            try:
                build_fault(
                    item.fault.type,
                    id=item.fault.id or f"fault-{n}",
                    params=item.fault.params,
                    target=item.fault.target,
                )
            except FaultError as exc:
                fail(str(exc), ("timeline", n, "fault"))
            for seg in item.fault.target.segments:
                if seg not in segments:
                    fail(
                        f"segment {seg!r} is not in world.segments ({', '.join(sorted(segments))})",
                        ("timeline", n, "fault", "target"),
                    )
    gt = s.ground_truth
    if gt.change_id and gt.change_id not in change_ids:
        fail(
            f"change {gt.change_id!r} does not appear in the timeline (known: {', '.join(sorted(change_ids))})",
            ("ground_truth", "change_id"),
        )
    for k, herring in enumerate(gt.red_herrings):
        if herring not in change_ids:
            fail(f"red herring {herring!r} is not a change in the timeline", ("ground_truth", "red_herrings", k))
    if gt.started_min > s.duration_min:
        fail("the incident starts after the drill ends", ("ground_truth", "started_min"))
    if gt.segment and gt.segment not in segments:
        fail(f"segment {gt.segment!r} is not in world.segments", ("ground_truth", "segment"))
    tree_row = DECISION_TREE[gt.row]
    if tree_row.symptom is not gt.symptom:
        fail(f"row {gt.row.value!r} is the decision-tree row for symptom {tree_row.symptom.value!r}, not "
             f"{gt.symptom.value!r}: fix the row or the symptom", ("ground_truth", "row"))
    if gt.cause not in tree_row.likely_causes:
        causes = ", ".join(c.value for c in tree_row.likely_causes)
        fail(f"cause {gt.cause.value!r} is not one of row {gt.row.value!r}'s likely causes ({causes})",
             ("ground_truth", "cause"))
    topics, models = _known_topics_and_models(s)
    for field in ("containment", "mitigations"):
        for k, key in enumerate(getattr(gt, field)):
            action, _, arg = key.partition(":")
            where = ("ground_truth", field, k)
            if action in ("topic-disable", "topic-enable") and arg not in topics:
                fail(f"unknown topic {arg!r} in {key!r}; known: {', '.join(sorted(topics))}", where)
            if action == "model-use" and arg not in models:
                fail(f"unknown model {arg!r} in {key!r}; known: {', '.join(sorted(models))}", where)
    for k, topic in enumerate(gt.topics):
        if topic not in topics:
            fail(f"unknown topic {topic!r}; known: {', '.join(sorted(topics))}", ("ground_truth", "topics", k))
    for n, item in enumerate(s.timeline):
        for topic in item.fault.target.topics if item.fault else []:
            if topic not in topics:
                fail(f"unknown topic {topic!r}; known: {', '.join(sorted(topics))}", ("timeline", n, "fault", "target"))


def _known_topics_and_models(s: Scenario) -> tuple[set[str], set[str]]:
    """The topics the knowledge base covers plus those a fault brings, and the models the provider serves plus
    the snapshots a fault rolls out."""
    from fake_llm.world.knowledge import TOPICS  # here, not at import: it pulls in faker

    topics, models = set(TOPICS), set(Catalog().names())
    for item in s.timeline:
        if item.fault is None:
            continue
        if item.fault.type == "hallucination_topic":
            topics.add(str(item.fault.params.get("topic", "integrations")))
        if item.fault.type in ("model_change", "embedding_change") and "to_version" in item.fault.params:
            models.add(str(item.fault.params["to_version"]))
    return topics, models


def library() -> list[Scenario]:
    return [load_scenario(p) for p in sorted(SCENARIO_DIR.glob("*.yaml"))]
