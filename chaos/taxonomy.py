"""The runbook's vocabulary as enums: symptoms, causes, decision-tree rows, stages and actions.

The decision tree (incident-room-runbook.txt, Step 3) is the spine of the fault catalogue and of
the scorer, so it is written down once here and nowhere else. CLI values, scenario YAML values
and event payloads all use the enum *values* (kebab-case strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fake_llm.world.vocabulary import FallbackMode

__all__ = ["DECISION_TREE", "Action", "Cause", "FallbackMode", "IncidentStage", "Row", "Symptom", "TreeRow",
           "action_key", "parse_action", "row_for"]


class Symptom(StrEnum):
    WRONG_ANSWERS = "wrong-answers"
    STALE_INFORMATION = "stale-information"
    REFUSALS = "refusals"
    LATENCY = "latency"
    ERRORS = "errors"
    HALLUCINATIONS = "hallucinations"
    COST = "cost"


class Cause(StrEnum):
    PROMPT = "prompt"  # prompt regression
    MODEL = "model"  # model version change
    RETRIEVAL = "retrieval"  # retrieval quality degradation
    INDEX = "index"  # document index not updated
    SAFETY = "safety"  # model safety update or prompt trigger
    PROVIDER = "provider"  # provider incident or outage
    RATE_LIMIT = "rate-limit"
    CONTEXT_GROWTH = "context-growth"
    API_CHANGE = "api-change"  # API change or schema mismatch
    KNOWLEDGE_GAP = "knowledge-gap"  # topic the knowledge base does not cover
    TRAFFIC = "traffic"  # a new traffic pattern


class Row(StrEnum):
    """One row of the decision tree, plus the cost row the runbook asks alerts for."""

    WRONG_CONSISTENT = "wrong-answers-consistent"
    WRONG_RANDOM = "wrong-answers-random"
    STALE = "stale-information"
    REFUSALS = "increased-refusals"
    LATENCY = "latency-spike"
    ERRORS = "errors-exceptions"
    HALLUCINATIONS = "hallucinations-on-topics"
    COST = "cost-anomaly"


@dataclass(frozen=True)
class TreeRow:
    row: Row
    symptom: Symptom
    likely_causes: tuple[Cause, ...]
    first_step: str


DECISION_TREE: dict[Row, TreeRow] = {
    r.row: r
    for r in (
        TreeRow(Row.WRONG_CONSISTENT, Symptom.WRONG_ANSWERS, (Cause.PROMPT, Cause.MODEL),
                "Roll back last prompt change; check if model version changed"),
        TreeRow(Row.WRONG_RANDOM, Symptom.WRONG_ANSWERS, (Cause.RETRIEVAL,),
                "Check retrieved chunks for the failing queries: are they relevant?"),
        TreeRow(Row.STALE, Symptom.STALE_INFORMATION, (Cause.INDEX,),
                "Check last index update time; verify source document dates"),
        TreeRow(Row.REFUSALS, Symptom.REFUSALS, (Cause.SAFETY, Cause.MODEL, Cause.PROMPT),
                "Test affected prompts directly; check if model version changed"),
        TreeRow(Row.LATENCY, Symptom.LATENCY,
                (Cause.PROVIDER, Cause.RATE_LIMIT, Cause.CONTEXT_GROWTH),
                "Check provider status page; check average context length"),
        TreeRow(Row.ERRORS, Symptom.ERRORS, (Cause.API_CHANGE, Cause.RATE_LIMIT, Cause.PROVIDER),
                "Check API changelog; look at error codes in traces"),
        TreeRow(Row.HALLUCINATIONS, Symptom.HALLUCINATIONS,
                (Cause.KNOWLEDGE_GAP, Cause.RETRIEVAL),
                "Check if those topics are covered in your knowledge base"),
        TreeRow(Row.COST, Symptom.COST, (Cause.CONTEXT_GROWTH, Cause.MODEL, Cause.TRAFFIC, Cause.PROVIDER),
                "Check tokens per request and average context length; check model version"),
    )
}


def row_for(symptom: Symptom | str, cause: Cause | str | None = None) -> Row | None:
    """The decision-tree row a declared symptom (and cause) names: the row of that symptom whose likely
    causes hold the cause, else the symptom's only row, else None (wrong answers need the cause)."""
    try:
        symptom = Symptom(symptom)
        cause = Cause(cause) if cause is not None else None
    except ValueError:
        return None
    rows = [r for r in DECISION_TREE.values() if r.symptom is symptom]
    exact = [r.row for r in rows if cause in r.likely_causes]
    if exact:
        return exact[0]
    return rows[0].row if len(rows) == 1 else None


class IncidentStage(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    CONTAIN = "contain"
    CHARACTERISE = "characterise"
    MITIGATE = "mitigate"
    POSTMORTEM = "postmortem"


class Action(StrEnum):
    """Responder controls. In YAML and ground truth an action with an argument is ``name:arg``."""

    ACK = "ack"
    FEATURE_OFF = "feature-off"
    FEATURE_ON = "feature-on"
    FALLBACK = "fallback"  # arg: cached | backup-model | unavailable | off
    PROMPT_ROLLBACK = "prompt-rollback"  # arg: version (optional)
    MODEL_USE = "model-use"  # arg: model name or alias
    INDEX_REBUILD = "index-rebuild"
    TOPIC_DISABLE = "topic-disable"  # arg: topic
    TOPIC_ENABLE = "topic-enable"  # arg: topic
    DISCLAIMER_ON = "disclaimer-on"
    DISCLAIMER_OFF = "disclaimer-off"


def parse_action(value: object) -> Action:
    """A responder action named by the CLI, the HTTP API or a playbook: parsed here, once, at the edge."""
    try:
        return Action(str(value))
    except ValueError:
        from chaos.errors import DrillError

        raise DrillError(f"unknown action {value!r}; known: {', '.join(a.value for a in Action)}") from None


def action_key(action: Action | str, arg: str | None = None) -> str:
    """The ``name:arg`` form scenarios use to list the actions that count as right."""
    name = Action(action).value
    return f"{name}:{arg}" if arg else name
