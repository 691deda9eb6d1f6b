"""Eval-case assertions, named as promptfoo names them, checked against one observed answer.

``contains``, ``icontains``, ``not-contains``, ``regex``, ``equals``, ``is-json``, ``latency``
(``value`` = the most milliseconds allowed), ``cost`` (the most dollars allowed) and
``not-refusal``. Pure: the drill side observes answers, this module only judges them.

A case must be able to tell a right answer from a wrong one. ``trivial`` checks each assertion
against decoys, answers that are wrong in the way that assertion is meant to catch (another
question's answer, the "unavailable" message, a refusal, an empty answer, a timeout, a runaway
cost); an assertion every decoy satisfies catches nothing and is rejected with that reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

TYPES = ("contains", "icontains", "not-contains", "regex", "equals", "is-json", "latency", "cost", "not-refusal")
REFUSAL_MARKERS = ("i'm sorry, but i can't", "i cannot help", "i can't help", "i am unable to")
DECOY_TEXTS = (
    "",
    "Sorry, the assistant is temporarily unavailable. Please contact support.",
    "I'm sorry, but I can't help with that request.",
    "I don't know.",
    "The Pro plan costs $10 per month. Refunds are issued within 90 days.",
    "Yes.",
    "Please contact support for details about your account.",
)
DECOY_LATENCY_MS = 30_000.0  # the client's timeout: every slow answer is faster than this
DECOY_COST_USD = 1.0  # a runaway request (a normal one costs well under a cent)


@dataclass(frozen=True)
class Observed:
    """One answer as an eval sees it."""

    text: str
    latency_ms: float
    cost_usd: float
    refused: bool = False
    ok: bool = True  # the feature answered (not an error)


@dataclass(frozen=True)
class Assertion:
    type: str
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type} if self.value is None else {"type": self.type, "value": self.value}


class AssertionError_(ValueError):
    """An assertion that cannot be checked: unknown type or a value of the wrong kind."""


def parse(raw: dict[str, Any]) -> Assertion:
    """One assertion from YAML/JSON ({type, value}); raises with what is wrong and the known types."""
    if not isinstance(raw, dict) or "type" not in raw:
        raise AssertionError_(f"an assertion is {{type: …, value: …}}, not {raw!r}")
    kind, value = str(raw["type"]), raw.get("value")
    if kind not in TYPES:
        raise AssertionError_(f"unknown assertion type {kind!r}; known: {', '.join(TYPES)}")
    if kind in ("contains", "icontains", "not-contains", "regex", "equals"):
        if not isinstance(value, str) or not value:
            raise AssertionError_(f"assertion {kind!r} needs a non-empty text value")
        if kind == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                raise AssertionError_(f"assertion regex {value!r} does not compile: {exc}") from None
    elif kind in ("latency", "cost"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            unit = "ms" if kind == "latency" else "USD"
            raise AssertionError_(f"assertion {kind!r} needs a positive number ({unit})")
        value = float(value)
    elif value is not None:
        raise AssertionError_(f"assertion {kind!r} takes no value")
    return Assertion(kind, value)


def check(a: Assertion, o: Observed) -> bool:
    """Does the observed answer satisfy the assertion? An error satisfies nothing."""
    if not o.ok:
        return False
    text = o.text
    match a.type:
        case "contains":
            return str(a.value) in text
        case "icontains":
            return str(a.value).lower() in text.lower()
        case "not-contains":
            return str(a.value).lower() not in text.lower()
        case "regex":
            return re.search(str(a.value), text) is not None
        case "equals":
            return text.strip() == str(a.value).strip()
        case "is-json":
            try:
                json.loads(text)
            except ValueError:
                return False
            return True
        case "latency":
            return o.latency_ms <= float(a.value)
        case "cost":
            return o.cost_usd <= float(a.value)
        case "not-refusal":
            return not o.refused and not any(m in text.lower() for m in REFUSAL_MARKERS)
    raise AssertionError_(f"unknown assertion type {a.type!r}")


def passes(assertions: tuple[Assertion, ...], o: Observed) -> bool:
    return all(check(a, o) for a in assertions)


def _decoys(a: Assertion) -> list[Observed]:
    if a.type == "latency":
        return [Observed("x", DECOY_LATENCY_MS, 0.0)]
    if a.type == "cost":
        return [Observed("x", 100.0, DECOY_COST_USD)]
    if a.type == "not-refusal":
        return [Observed("I'm sorry, but I can't help with that request.", 100.0, 0.0, refused=True)]
    return [Observed(t, 100.0, 0.0) for t in DECOY_TEXTS]


def trivial(a: Assertion) -> str | None:
    """Why this assertion catches nothing, or None when some wrong answer fails it."""
    decoys = _decoys(a)
    if all(check(a, d) for d in decoys):
        if a.type == "latency":
            return f"latency ≤ {a.value:g} ms passes even a request that timed out ({DECOY_LATENCY_MS:g} ms)"
        if a.type == "cost":
            return f"cost ≤ ${a.value:g} passes even a runaway request (${DECOY_COST_USD:g})"
        return f"{a.type} {a.value!r} is satisfied by any answer (even an empty one or the 'unavailable' message)"
    if a.type in ("contains", "icontains", "regex") and sum(check(a, d) for d in decoys) >= len(decoys) - 1:
        return f"{a.type} {a.value!r} is satisfied by almost any answer"
    return None


def trivial_case(assertions: tuple[Assertion, ...]) -> str | None:
    """A case catches nothing when each of its assertions catches nothing (one real check carries it)."""
    reasons = [trivial(a) for a in assertions]
    if assertions and all(reasons):
        return "; ".join(r for r in reasons if r)
    return None


def describe(assertions: tuple[Assertion, ...]) -> str:
    return ", ".join(a.type if a.value is None else f"{a.type} {a.value!r}" for a in assertions)
