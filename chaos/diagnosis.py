"""How a scripted responder reads the incident: from what on-call can see, never the ground truth.

It walks the runbook: what does the failure look like (errors, refusals, latency, cost, wrong
answers), how is it spread (one topic, or all), what changed just before, and picks the
decision-tree row, the likely cause and the mitigation that fits that cause.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chaos.taxonomy import Cause, Row, Symptom

if TYPE_CHECKING:
    from chaos.drill import Drill

PROVIDER_ERRORS = {"service_unavailable", "server_error", "overloaded", "timeout", "503", "500", "502"}
SCHEMA_ERRORS = {"response_schema_mismatch", "output_parse_error"}


@dataclass
class Diagnosis:
    row: Row
    symptom: Symptom
    cause: Cause
    started_s: float
    fraction: float
    change_id: str | None = None
    topics: list[str] = field(default_factory=list)
    segment: str | None = None  # when the failures sit in one user segment
    pinned_model: str | None = None  # the dated version traces showed before the incident

    def declaration(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "symptom": self.symptom.value,
            "cause": self.cause.value,
            "started_s": round(self.started_s, 1),
            "fraction": round(self.fraction, 2),
        }
        if self.change_id:
            out["change_id"] = self.change_id
        if self.topics:
            out["topics"] = self.topics
        if self.segment:
            out["segment"] = self.segment
        return out

    def mitigation(self) -> tuple[str, str | None]:
        """The runbook's fastest safe mitigation for the diagnosed cause: (action, arg)."""
        if self.cause is Cause.PROMPT:
            return "prompt-rollback", None
        if self.cause in (Cause.MODEL, Cause.API_CHANGE) and self.pinned_model:
            return "model-use", self.pinned_model
        if self.cause in (Cause.RETRIEVAL, Cause.INDEX, Cause.CONTEXT_GROWTH):
            return "index-rebuild", None
        if self.cause is Cause.KNOWLEDGE_GAP and self.topics:
            return "topic-disable", self.topics[0]
        return "fallback", "backup-model"


def _latest_change_before(changes: list[dict[str, Any]], t_s: float, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    before = [c for c in changes if c["t_s"] <= t_s + 60 and c["kind"] in kinds and c["author"] != "playbook"]
    return before[-1] if before else None


def _failed(trace: dict[str, Any]) -> bool:
    return trace["status"] in ("error", "refused") or trace["judge"] == "fail"


def _graded(trace: dict[str, Any]) -> bool:
    """A trace whose outcome on-call can see: an error, a refusal, or a judge verdict."""
    return trace["status"] in ("error", "refused") or trace["judge"] is not None


def _outdated(trace: dict[str, Any]) -> bool:
    """Did the answer come from a chunk indexed before its document's latest version?"""
    docs = trace.get("documents", {})
    chunks = trace["spans"][0]["attributes"]["firedrill.chunks"] if trace.get("spans") else []
    return any(c["doc_updated"] < docs.get(c["doc"], {}).get("updated", "") for c in chunks)


def _segment(traces: list[dict[str, Any]], since: float) -> str | None:
    """The user segment that holds most failures while holding far less of the traffic, if any."""
    after = [t for t in traces if t["t_s"] >= since]
    failed = Counter(t["segment"] for t in after if _failed(t))
    if sum(failed.values()) < 5:
        return None
    segment, count = failed.most_common(1)[0]
    traffic_share = sum(t["segment"] == segment for t in after) / len(after)
    return segment if count >= 0.8 * sum(failed.values()) and traffic_share < 0.6 else None


def _onset(traces: list[dict[str, Any]], *, default: float) -> float:
    """The first minute in which a third of the graded requests failed: the judge's noise stays below it."""
    buckets: dict[int, list[int]] = {}
    for t in traces:
        if _graded(t):
            b = buckets.setdefault(int(t["t_s"] // 60), [0, 0])
            b[0] += _failed(t)
            b[1] += 1
    for minute in sorted(buckets):
        fails, total = buckets[minute]
        if total >= 3 and fails / total >= 0.3:
            return minute * 60.0
    return default


def diagnose(drill: Drill, *, alerts_seen: set[str] | None = None, until_s: float | None = None) -> Diagnosis:
    """Diagnose from the alerts seen since the page and the traces up to ``until_s`` (the containment)."""
    status = drill.status()
    alerts = set(alerts_seen or ()) | {a["alert"] for a in status["alerts"]}
    paged = drill.paged_at if drill.paged_at is not None else drill.now_s()
    changes = drill.changes()
    end = drill.now_s() if until_s is None else until_s
    recent = [t for t in drill.traces(limit=5000) if paged - 600 <= t["t_s"] <= end]
    failing = [t for t in recent if _failed(t)]
    earliest = _onset(recent, default=paged)
    graded = [t for t in recent if t["t_s"] >= earliest and _graded(t)]
    share = sum(_failed(t) for t in graded) / max(1, len(graded))
    before = [t for t in drill.traces(limit=5000) if t["t_s"] < earliest - 60]
    pinned = Counter(
        t["attributes"]["gen_ai.response.model"] for t in before if t["attributes"]["gen_ai.response.model"]
    )
    pinned_model = pinned.most_common(1)[0][0] if pinned else None
    refused = [t for t in failing if t["status"] == "refused"]
    errors = [t for t in failing if t["status"] == "error"]

    segment = _segment(recent, earliest)

    def made(row: Row, symptom: Symptom, cause: Cause, change: dict[str, Any] | None, **kw: Any) -> Diagnosis:
        start = change["t_s"] if change else earliest
        return Diagnosis(row, symptom, cause, start, share, change["id"] if change else None,
                         pinned_model=pinned_model, segment=segment, **kw)

    any_change = ("prompt_deploy", "model_version", "index_refresh", "deploy", "traffic", "docs", "config")
    if "refusal_rate" in alerts or len(refused) > len(failing) / 2:
        topics = [t for t, _ in Counter(t["topic"] for t in refused).most_common(2)]
        return made(
            Row.REFUSALS,
            Symptom.REFUSALS,
            Cause.SAFETY,
            _latest_change_before(changes, earliest, ("model_version",)),
            topics=topics,
        )
    if "error_rate" in alerts or len(errors) > len(failing) / 2:
        kinds = Counter(str(t["attributes"]["error.type"]) for t in errors)
        top = kinds.most_common(1)[0][0] if kinds else ""
        if top == "rate_limit_exceeded":
            return made(
                Row.ERRORS, Symptom.ERRORS, Cause.RATE_LIMIT, _latest_change_before(changes, earliest, ("traffic",))
            )
        if top in SCHEMA_ERRORS:
            deploy = _latest_change_before(changes, earliest, ("prompt_deploy", "model_version"))
            cause = Cause.PROMPT if deploy and deploy["kind"] == "prompt_deploy" else Cause.API_CHANGE
            return made(Row.ERRORS, Symptom.ERRORS, cause, deploy)
        return made(Row.ERRORS, Symptom.ERRORS, Cause.PROVIDER, None)
    series = status["series"]
    context = [x for x in series["avg_context_tokens"] if x]
    grown = len(context) > 4 and context[-1] > 1.5 * min(context[: max(1, len(context) // 3)])
    if "cost_anomaly" in alerts and "quality" not in alerts:
        if grown:
            return made(
                Row.COST,
                Symptom.COST,
                Cause.CONTEXT_GROWTH,
                _latest_change_before(changes, earliest, ("index_refresh",)),
            )
        return made(Row.COST, Symptom.COST, Cause.MODEL, _latest_change_before(changes, earliest, ("model_version",)))
    if "latency_p99" in alerts and "quality" not in alerts:
        if grown:
            return made(
                Row.LATENCY,
                Symptom.LATENCY,
                Cause.CONTEXT_GROWTH,
                _latest_change_before(changes, earliest, ("index_refresh",)),
            )
        return made(Row.LATENCY, Symptom.LATENCY, Cause.PROVIDER, None)
    judged_bad = [t for t in failing if t["judge"] == "fail" and t["t_s"] >= earliest]
    topics = Counter(t["topic"] for t in judged_bad)
    top_topic, top_count = topics.most_common(1)[0] if topics else ("", 0)
    if judged_bad and top_count >= 0.6 * len(judged_bad):
        examples = [drill.trace(t["trace_id"]) for t in judged_bad if t["topic"] == top_topic][-3:]
        if any(_outdated(detail) for detail in examples):
            return made(
                Row.STALE,
                Symptom.STALE_INFORMATION,
                Cause.INDEX,
                _latest_change_before(changes, earliest, ("docs",)),
                topics=[top_topic],
            )
        return made(
            Row.HALLUCINATIONS,
            Symptom.HALLUCINATIONS,
            Cause.KNOWLEDGE_GAP,
            _latest_change_before(changes, earliest, ("traffic",)),
            topics=[top_topic],
        )
    deploy = _latest_change_before(changes, earliest, ("prompt_deploy", "model_version"))
    if deploy and deploy["kind"] == "prompt_deploy":
        return made(Row.WRONG_CONSISTENT, Symptom.WRONG_ANSWERS, Cause.PROMPT, deploy)
    if deploy and deploy["kind"] == "model_version":
        return made(Row.WRONG_CONSISTENT, Symptom.WRONG_ANSWERS, Cause.MODEL, deploy)
    return made(
        Row.WRONG_RANDOM, Symptom.WRONG_ANSWERS, Cause.RETRIEVAL, _latest_change_before(changes, earliest, any_change)
    )
