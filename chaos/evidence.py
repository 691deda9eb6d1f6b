"""Reading one trace as on-call would: are the retrieved chunks about the question, are they current,
does the answer say what the chunks say?

These are the runbook's first investigation steps for wrong answers ("check retrieved chunks for
the failing queries — are they relevant?", "verify source document dates"), written as plain
functions of a responder's trace view (``GET /drill/traces/{id}``) so a scripted responder and a
test can share them.
"""

from __future__ import annotations

import re
from typing import Any

from fake_llm.context import terms

DONT_KNOW = ("don't know", "do not know", "not sure", "no information")
_CITATION = re.compile(r"\[doc:[^\]]*\]")


def chunks(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """The retrieval span's chunks of a detailed trace (empty when the request never retrieved)."""
    for span in detail.get("spans", []):
        if span["name"] == "retrieval":
            return list(span["attributes"]["firedrill.chunks"])
    return []


def _terms(text: str) -> set[str]:
    return {t for t in terms(_CITATION.sub(" ", text)) if not t.startswith("doc:")}


def relevant(detail: dict[str, Any]) -> bool:
    """Does at least one retrieved chunk carry most of the question's words?"""
    question = _terms(detail["question"])
    if not question:
        return False
    best = max((len(question & _terms(c["text"])) for c in chunks(detail)), default=0)
    return best >= 0.75 * len(question)


def dont_know(detail: dict[str, Any]) -> bool:
    return any(m in detail["answer"].lower() for m in DONT_KNOW)


def grounded(detail: dict[str, Any]) -> bool:
    """Is the answer said by one retrieved chunk: its words there, every number in it there too?"""
    answer = _terms(detail["answer"])
    if not answer or dont_know(detail):
        return False
    numbers = {t for t in answer if any(ch.isdigit() for ch in t)}
    for c in chunks(detail):
        words = _terms(c["text"])
        if numbers <= words and len(answer & words) >= 0.8 * len(answer):
            return True
    return False


def outdated(detail: dict[str, Any]) -> bool:
    """Was a chunk indexed from an older version of its document than the one published now?"""
    docs = detail.get("documents") or {}
    return any(c["doc_updated"] < docs.get(c["doc"], {}).get("updated", "") for c in chunks(detail))


def answered_well(detail: dict[str, Any]) -> bool:
    """What a person checks in a replay: an answer served, from chunks about the question, saying what they say."""
    return detail["status"] == "ok" and relevant(detail) and grounded(detail)
