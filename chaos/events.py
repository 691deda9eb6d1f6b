"""The drill's event vocabulary. The event log is the journal; the scorer is a pure function of it.

Every event has a drill time ``t_s`` (seconds since the drill clock started), a ``kind``, an
``actor`` (a responder name, ``facilitator``, ``world`` or ``runner``) and a JSON ``data`` payload.
``wall`` is the wall-clock ISO time, kept for humans and ignored by determinism checks.

Payloads by kind (every field listed is always present unless marked optional):

- drill_started: {drill_id, scenario_id, seed, speed, mode: "live"|"simulated", clock_origin}
  ``clock_origin`` is the ISO time that drill time 0 displays as ("14:00").
- page: {alert, summary, briefing}                    the page that starts the incident
- fault_started / fault_stopped: {fault_id, type, stage, params, target}
- change: {change_id, kind, summary, author, true_cause: bool}  a change-log entry
  (``true_cause`` is ground truth, never shown to responders)
- request: {trace_id, user, segment, topic, question_id, status, served, bad, correct,
  refused, wrong_refusal, disclaimer, fallback, latency_ms, input_tokens, output_tokens, cost_usd, model_version,
  prompt_version, judged: bool, judge_ok: bool|None, faults: [fault_id]}
  status: ok | error | refused | unavailable | disabled | cached
  served: the user saw an answer from the feature (model or cache)
  bad: the user saw a wrong, outdated or hallucinated answer (ground truth)
  correct: the answer matched the golden answer (ground truth)
  wrong_refusal: refused a question the knowledge base answers (ground truth)
  disclaimer: the answer carried the "please verify" disclaimer
- metrics: {window_s, request_rate, error_rate, p50_ms, p99_ms, refusal_rate, quality,
  cost_per_min, avg_context_tokens, index_age_s}   one per metrics tick
- alert_fired / alert_resolved: {alert, value, threshold}
- action: {action, arg, ok: bool, message}            a responder control (taxonomy.Action)
- declaration: {started_s?, fraction?, segment?, symptom?, cause?, change_id?, topics?}
- note: {text}      hint: {index, text, cost}      role: {role}
- eval_added: {case_id, question, expect, assert: [{type, value}], segment, trace_id?}
- eval_verified: {case_id, verified: bool, healthy_passed: bool, during_incident_failed: bool,
  after_mitigation_passed: bool, concerns_incident: bool, trivial: str|None, reason}
- eval_removed: {case_id}
- action (failed or rejected): {action, arg, ok: false, message}   the control said no; still journaled
- drill_paused / drill_resumed / drill_ended: {reason?}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DrillMode(StrEnum):
    """How a drill's clock runs: paced to real time × speed, or as fast as possible."""

    LIVE = "live"
    SIMULATED = "simulated"


# The actors that are not people: the runner (the scenario's own timeline and its fault changes),
# the world (alerts), and the facilitator (injections, pauses, a page by hand).
RUNNER, WORLD, FACILITATOR = "runner", "world", "facilitator"


class EventKind(StrEnum):
    DRILL_STARTED = "drill_started"
    PAGE = "page"
    FAULT_STARTED = "fault_started"
    FAULT_STOPPED = "fault_stopped"
    CHANGE = "change"
    REQUEST = "request"
    METRICS = "metrics"
    ALERT_FIRED = "alert_fired"
    ALERT_RESOLVED = "alert_resolved"
    ACTION = "action"
    DECLARATION = "declaration"
    NOTE = "note"
    HINT = "hint"
    ROLE = "role"
    EVAL_ADDED = "eval_added"
    EVAL_VERIFIED = "eval_verified"
    EVAL_REMOVED = "eval_removed"
    DRILL_PAUSED = "drill_paused"
    DRILL_RESUMED = "drill_resumed"
    DRILL_ENDED = "drill_ended"


@dataclass(frozen=True)
class Event:
    t_s: float
    kind: EventKind
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # position in the log, assigned by the log
    wall: str = ""  # wall-clock ISO time, for humans only
