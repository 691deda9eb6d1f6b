"""What each audience sees of the world: the journal (truth included) and responders (no truth).

Responder views carry only what production telemetry would: traces with OpenTelemetry GenAI
attribute names, the judge's sampled verdicts, metrics, alerts and the change log. ``bad``,
``correct`` and ``true_cause`` never appear in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaos.clock import ClockState, clock_label
from fake_llm.world.alerts import shown as alert_shown
from fake_llm.world.changelog import Change
from fake_llm.world.feature import Answer, _date

if TYPE_CHECKING:
    from fake_llm.world.world import World

SPARK_POINTS = 40


def answer_event(a: Answer, judged: bool | None) -> dict[str, Any]:
    """The request event payload of chaos/events.py, ground truth included."""
    return {
        "trace_id": a.trace_id, "user": a.user, "segment": a.segment, "topic": a.question.topic,
        "question_id": a.question.id, "question": a.question.text, "status": a.status, "served": a.served,
        "bad": a.bad, "correct": a.correct, "refused": a.refused, "fallback": a.fallback,
        "wrong_refusal": a.refused and a.question.fact_id is not None, "disclaimer": a.disclaimer,
        "latency_ms": round(a.latency_s * 1000, 1), "input_tokens": a.input_tokens, "output_tokens": a.output_tokens,
        "cost_usd": round(a.cost_usd, 6), "model": a.model, "model_version": a.model_version,
        "prompt_version": a.prompt_version, "judged": judged is not None, "judge_ok": judged,
        "error_type": a.error_type, "faults": a.faults, "answer": a.text[:300],
    }


def trace_view(a: Answer, judged: bool | None, *, brief: bool = False, world: World | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "trace_id": a.trace_id, "time": clock_label(a.t_s), "t_s": round(a.t_s, 3), "user": a.user,
        "segment": a.segment, "topic": a.question.topic, "question": a.question.text, "status": a.status,
        "answer": a.text, "judge": None if judged is None else ("pass" if judged else "fail"),
        "attributes": {
            "gen_ai.operation.name": "chat", "gen_ai.system": "openai", "gen_ai.request.model": a.model,
            "gen_ai.response.model": a.model_version, "gen_ai.openai.response.system_fingerprint":
                a.system_fingerprint, "gen_ai.usage.input_tokens": a.input_tokens,
            "gen_ai.usage.output_tokens": a.output_tokens, "error.type": a.error_type,
            "http.response.status_code": a.http_status, "firedrill.prompt.version": a.prompt_version,
            "firedrill.cost_usd": round(a.cost_usd, 6),
            "firedrill.context_tokens": a.context_tokens, "firedrill.latency_ms": round(a.latency_s * 1000, 1),
            "firedrill.fallback": a.fallback, "firedrill.attempts": a.attempts,
        },
    }
    if brief:
        return view
    view["spans"] = [
        {"name": "retrieval", "attributes": {
            "db.operation.name": "search", "gen_ai.request.model": a.embedding_model,
            "firedrill.index.embedding_model": a.index_embedding_model, "firedrill.chunks": [
            {"id": c.id, "doc": c.doc_id, "doc_updated": _date(c.updated_at_s), "text": c.text[:160]}
            for c in a.chunks]}},
        {"name": f"chat {a.model}", "attributes": {k: v for k, v in view["attributes"].items()
                                                  if k.startswith(("gen_ai", "error"))}},
    ]
    if world is not None:
        view["documents"] = {d: {"version": world.kb.documents[d].version,
                                 "updated": _date(world.kb.documents[d].updated_at_s)}
                             for d in sorted({c.doc_id for c in a.chunks}) if d in world.kb.documents}
    return view


def change_view(c: Change) -> dict[str, Any]:
    return {"id": c.id, "time": clock_label(c.t_s), "t_s": round(c.t_s, 3), "kind": c.kind, "summary": c.summary,
            "author": c.author}


@dataclass(frozen=True)
class DrillSnapshot:
    """What the status view reads, taken under the drill lock: views never see the drill itself."""

    drill_id: str
    title: str  # "a mystery scenario (spin)" when responders must not learn which scenario this is
    t_s: float
    state: ClockState
    paged: bool
    briefing: dict[str, Any] | None  # only once paged
    world: World


def _sig(v: float | None) -> float | None:
    """Four significant digits, not four decimals: a cheap model's cost per request ($0.00005) must not
    chart as zero."""
    return None if v is None else float(f"{v:.4g}")


def status_view(snap: DrillSnapshot) -> dict[str, Any]:
    world = snap.world
    history = world.telemetry.history[-SPARK_POINTS:]
    latest = history[-1].to_dict() if history else None
    provider = world.status_page.view(snap.t_s, label=clock_label)
    return {
        "provider_status": {"indicator": provider["indicator"], "description": provider["description"],
                            "incidents": [f"{i['title']} ({i['status']})" for i in provider["incidents"]]},
        "drill_id": snap.drill_id, "scenario": snap.title, "time": clock_label(snap.t_s),
        "t_s": round(snap.t_s, 1), "paged": snap.paged, "state": snap.state.value,
        "ended": snap.state is ClockState.ENDED, "paused": snap.state is ClockState.PAUSED,
        "metrics": latest,
        "series": {"t_s": [round(m.t_s, 1) for m in history],
                   **{key: [_sig(getattr(m, key)) for m in history]
                   for key in ("request_rate", "error_rate", "p99_ms", "quality", "refusal_rate",
                               "cost_per_min", "avg_context_tokens", "avg_output_tokens", "cost_per_request",
                               "quality_5m")}},
        "alerts": [{"alert": a.alert, "since": clock_label(a.t_s), "value": _sig(a.value),
                    "threshold": a.threshold, "value_shown": alert_shown(a.alert, a.value),
                    "threshold_shown": alert_shown(a.alert, a.threshold)} for a in world.telemetry.firing.values()],
        "changes": [change_view(c) for c in world.changes.entries[-8:]],
        "controls": {"feature_on": world.controls.feature_on, "fallback": world.controls.fallback,
                     "model": world.controls.model, "prompt": world.prompts.current.version,
                     "disclaimer": world.controls.disclaimer, "disabled_topics": sorted(world.controls.disabled_topics),
                     "index_built": clock_label(world.controls.index.built_at_s)},
        "briefing": snap.briefing,
    }
