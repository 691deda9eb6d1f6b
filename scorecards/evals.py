"""Eval cases from an incident, as data: read from the journal, exported as promptfoo and OpenAI evals.

A case is a question and promptfoo-named assertions (``scorecards.assertions``). It counts only
once verified, drill-side (``chaos.verify``): it must pass in the healthy world before the
incident, fail in the incident's world, pass again after the mitigation, concern the incident
(the fault touched its question) and not be satisfiable by any answer. Rejected cases are never
exported. This module reads events; it writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from chaos.events import Event, EventKind
from scorecards.assertions import Assertion, describe, parse


@dataclass(frozen=True)
class EvalCase:
    case_id: str
    question: str
    assertions: tuple[Assertion, ...]
    segment: str = "free"
    trace_id: str | None = None

    @property
    def expect(self) -> str:
        """The text a right answer must contain (the first text assertion), for humans and old exports."""
        return next((str(a.value) for a in self.assertions if a.type in ("contains", "icontains", "equals")),
                    describe(self.assertions))

    def to_event(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "question": self.question, "expect": self.expect,
                "assert": [a.to_dict() for a in self.assertions], "segment": self.segment,
                "trace_id": self.trace_id}

    @classmethod
    def from_event(cls, d: dict[str, Any]) -> EvalCase:
        raw = d.get("assert") or [{"type": "icontains", "value": d["expect"]}]
        return cls(str(d["case_id"]), str(d["question"]), tuple(parse(a) for a in raw),
                   str(d.get("segment") or "free"), d.get("trace_id"))


@dataclass(frozen=True)
class Verdict:
    case_id: str
    healthy_passed: bool
    during_incident_failed: bool
    after_mitigation_passed: bool
    concerns_incident: bool
    trivial: str | None
    reason: str
    during_answer: str = ""
    after_answer: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return (self.trivial is None and self.healthy_passed and self.during_incident_failed
                and self.after_mitigation_passed and self.concerns_incident)

    def to_event(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "verified": self.verified, "healthy_passed": self.healthy_passed,
                "during_incident_failed": self.during_incident_failed,
                "after_mitigation_passed": self.after_mitigation_passed,
                "concerns_incident": self.concerns_incident, "trivial": self.trivial, "reason": self.reason}


def cases(events: Iterable[Event]) -> list[EvalCase]:
    """The drill's cases in the order added, without removed ones."""
    found: dict[str, EvalCase] = {}
    for e in events:
        if e.kind is EventKind.EVAL_ADDED:
            found[e.data["case_id"]] = EvalCase.from_event(e.data)
        elif e.kind is EventKind.EVAL_REMOVED:
            found.pop(e.data.get("case_id", ""), None)
    return list(found.values())


def latest_verdicts(events: Iterable[Event]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind is EventKind.EVAL_VERIFIED:
            out[e.data["case_id"]] = e.data
    return out


def exportable(events: list[Event]) -> list[EvalCase]:
    """Cases not rejected by their latest verification (rejected cases are never exported)."""
    verdicts = latest_verdicts(events)
    return [c for c in cases(events)
            if c.case_id not in verdicts or _verified(verdicts[c.case_id])]


def _verified(d: dict[str, Any]) -> bool:
    if "verified" in d:
        return bool(d["verified"])
    return bool(d.get("during_incident_failed") and d.get("after_mitigation_passed"))


def to_promptfoo(eval_cases: list[EvalCase], drill_id: str) -> str:
    tests = [
        {
            "description": f"{c.case_id}: {c.question}",
            "vars": {"question": c.question},
            "assert": [a.to_dict() for a in c.assertions],
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
                "assert": [a.to_dict() for a in c.assertions],
            }
        )
        + "\n"
        for c in eval_cases
    )
