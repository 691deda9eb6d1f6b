"""Eval cases from an incident: recorded in the drill's journal, exported, and verified.

A case counts only once verified: asked in the world as it was during the incident it must fail,
and asked in the world as it is after the mitigation it must pass. A case that would not have
caught the incident is rejected with the reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import yaml

from chaos.errors import DrillError
from chaos.eventlog import EventLog
from chaos.events import EventKind
from chaos.scenario import Scenario
from chaos.taxonomy import action_key
from scorecards.replay import world_at


@dataclass(frozen=True)
class EvalCase:
    case_id: str
    question: str
    expect: str
    segment: str = "free"
    trace_id: str | None = None


@dataclass(frozen=True)
class Verdict:
    case_id: str
    during_incident_failed: bool
    after_mitigation_passed: bool
    during_answer: str
    after_answer: str
    reason: str

    @property
    def verified(self) -> bool:
        return self.during_incident_failed and self.after_mitigation_passed


def case_from_trace(request: dict[str, Any], expect: str, case_id: str) -> EvalCase:
    """Copy only the inputs of a failing trace: the question and who asked (never its answer)."""
    question = str(request.get("question") or "").strip()
    if not question or not request.get("trace_id"):
        raise DrillError(
            f"trace {request.get('trace_id')!r} is incomplete (no question recorded); "
            "write the case by hand with --question"
        )
    return EvalCase(case_id, question, expect, str(request.get("segment") or "free"), request["trace_id"])


def cases(log: EventLog, drill_id: str) -> list[EvalCase]:
    return [
        EvalCase(**{k: e.data[k] for k in ("case_id", "question", "expect", "segment", "trace_id")})
        for e in log.events(drill_id)
        if e.kind is EventKind.EVAL_ADDED
    ]


def add_case(
    log: EventLog,
    drill_id: str,
    *,
    question: str | None,
    expect: str,
    trace_id: str | None = None,
    by: str = "postmortem",
) -> EvalCase:
    if not expect.strip():
        raise DrillError("--expect must say what a right answer contains")
    last_t, request = 0.0, None
    existing = 0
    for e in log.events(drill_id):
        last_t = e.t_s
        if e.kind is EventKind.EVAL_ADDED:
            existing += 1
        if trace_id and e.kind is EventKind.REQUEST and e.data.get("trace_id") == trace_id:
            request = e.data
    case_id = f"{drill_id}-eval-{existing + 1}"
    if trace_id:
        if request is None:
            raise DrillError(f"no trace {trace_id!r} in drill {drill_id}; list failing traces in the scorecard")
        case = case_from_trace(request, expect.strip(), case_id)
    elif question and question.strip():
        case = EvalCase(case_id, question.strip(), expect.strip())
    else:
        raise DrillError("give --question (or --from-trace TRACE_ID) and --expect")
    log.append(drill_id, last_t, EventKind.EVAL_ADDED, by, asdict(case))
    return case


def incident_moment(log: EventLog, drill_id: str, scenario: Scenario) -> tuple[float, float]:
    """(during, after): just before the first containment or mitigation action, and the drill's end."""
    gt = scenario.ground_truth
    during = end = None
    for e in log.events(drill_id):
        end = e.t_s
        if (
            e.kind is EventKind.ACTION
            and during is None
            and (action_key(e.data["action"], e.data.get("arg")) in {*gt.containment, *gt.mitigations})
        ):
            during = e.t_s
    end = (end or scenario.duration_s) + 1
    return (during if during is not None else end), end


def verify(log: EventLog, drill_id: str, scenario: Scenario) -> list[Verdict]:
    record = log.drill(drill_id)
    during_s, after_s = incident_moment(log, drill_id, scenario)
    during = world_at(log.events(drill_id), scenario, seed=record.seed, until_s=during_s)
    after = world_at(log.events(drill_id), scenario, seed=record.seed, until_s=after_s)
    verdicts = []
    for case in cases(log, drill_id):
        bad = during.probe(case.question, segment=case.segment, expect=case.expect)
        good = after.probe(case.question, segment=case.segment, expect=case.expect)
        failed, passed = not bad.correct, good.correct
        if failed and passed:
            reason = "fails in the incident state and passes after the mitigation"
        elif not failed:
            reason = (
                f"would not have caught the incident: during the incident the answer already contained "
                f"“{case.expect}” ({bad.text[:80]!r})"
            )
        else:
            reason = f"still fails after the mitigation ({good.text[:80]!r}): fix the expectation or the mitigation"
        verdict = Verdict(case.case_id, failed, passed, bad.text, good.text, reason)
        log.append(
            drill_id,
            after_s,
            EventKind.EVAL_VERIFIED,
            "postmortem",
            {
                "case_id": case.case_id,
                "during_incident_failed": failed,
                "after_mitigation_passed": passed,
                "reason": reason,
            },
        )
        verdicts.append(verdict)
    return verdicts


def to_promptfoo(eval_cases: list[EvalCase], drill_id: str) -> str:
    tests = [
        {
            "description": f"{c.case_id}: {c.question}",
            "vars": {"question": c.question},
            "assert": [{"type": "icontains", "value": c.expect}],
            "metadata": {"incident": drill_id, "case_id": c.case_id, "trace_id": c.trace_id},
        }
        for c in eval_cases
    ]
    return yaml.safe_dump(tests, sort_keys=False, allow_unicode=True)


def to_openai_evals(eval_cases: list[EvalCase]) -> str:
    system = "You are the support assistant. Answer only from the context."
    return "".join(
        json.dumps(
            {
                "input": [{"role": "system", "content": system}, {"role": "user", "content": c.question}],
                "ideal": c.expect,
            }
        )
        + "\n"
        for c in eval_cases
    )
