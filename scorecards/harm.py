"""Harm per request, read from the journal, and the harm profile of a drill in 10-second buckets.

A request harms its user when the answer is wrong, the question was wrongly refused, the feature
failed (error or timeout), the feature said it is unavailable, or the answer came slower than the
scenario's latency SLO. A request harms once, at its worst kind. Cost is its own dimension: the
overrun in dollars above the pre-incident cost per request.

Weights, from the runbook ("User-facing wrong answers are worse than no answers"; its first
containment is "'sorry, this feature is temporarily unavailable'"):

- wrong answer (wrong, outdated, hallucinated)       1.0   the harm the runbook contains first
- wrong answer carrying the "please verify" note      0.5   a runbook mitigation: the user was warned
- wrongly refused, error or timeout, slower than SLO  0.5   no (timely) answer, and no honest reason
- unavailable (kill switch, fallback, topic off)      0.25  the honest "no answer" the runbook prefers
- a right answer, from the model or a fallback        0

Cost turns into harm units at one unit per ``COST_UNIT_REQUESTS`` normal requests' worth of
unplanned spend, so a cost incident has something to contain; the card reports it in dollars.

The profile is plain data (JSON round-trip), computed the same way for a drill and for its
counterfactual baseline (the same scenario and seed with nobody responding).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chaos.events import Event, EventKind
from chaos.scenario import Scenario

BUCKET_S = 10.0
COST_UNIT_REQUESTS = 10.0  # ten normal requests' worth of extra spend weighs as one wrong answer
NOT_RESPONDERS = frozenset({"runner", "world", "facilitator"})


class HarmKind(StrEnum):
    WRONG = "wrong"
    DISCLAIMED = "wrong-with-disclaimer"
    REFUSED = "wrongly-refused"
    ERROR = "error"
    SLOW = "slow"
    UNAVAILABLE = "unavailable"


WEIGHTS: dict[HarmKind, float] = {
    HarmKind.WRONG: 1.0,
    HarmKind.DISCLAIMED: 0.5,
    HarmKind.REFUSED: 0.5,
    HarmKind.ERROR: 0.5,
    HarmKind.SLOW: 0.5,
    HarmKind.UNAVAILABLE: 0.25,
}
KINDS = tuple(HarmKind)
LIVE_FALLBACKS = frozenset({None, "off", "backup-model"})


def harm_kind(d: dict[str, Any], slo_ms: float) -> HarmKind | None:
    """The worst harm one request event did to its user, or None."""
    status = d.get("status")
    if d.get("served") and d.get("bad"):
        return HarmKind.DISCLAIMED if d.get("disclaimer") else HarmKind.WRONG
    if status == "error":
        return HarmKind.ERROR
    if status == "refused" and d.get("wrong_refusal"):
        return HarmKind.REFUSED
    if status in ("unavailable", "disabled"):
        return HarmKind.UNAVAILABLE
    if float(d.get("latency_ms") or 0.0) > slo_ms:
        return HarmKind.SLOW
    return None


def is_live(d: dict[str, Any]) -> bool:
    """Answered through the model path (primary or backup model), not by a fallback or switch."""
    return d.get("status") in ("ok", "refused", "error") and d.get("fallback") in LIVE_FALLBACKS


@dataclass
class Profile:
    """Per-bucket totals of one drill: requests, harm units, harm kinds, cost, live answers."""

    bucket_s: float = BUCKET_S
    started_s: float = 0.0  # the incident's start (ground truth)
    end_s: float = 0.0
    page_s: float | None = None
    n: list[int] = field(default_factory=list)
    harm: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    live: list[int] = field(default_factory=list)
    accepted_off: list[int] = field(default_factory=list)  # topic switched off while the feature is on
    kinds: dict[str, list[int]] = field(default_factory=lambda: {k.value: [] for k in KINDS})
    topic_n: dict[str, int] = field(default_factory=dict)  # during the incident, per topic
    topic_harm: dict[str, float] = field(default_factory=dict)
    actions: list[tuple[float, str, str]] = field(default_factory=list)  # t, actor, key (ok, by responders)

    # --- building ----------------------------------------------------------------------------

    def _grow(self, i: int) -> None:
        while len(self.n) <= i:
            self.n.append(0)
            self.harm.append(0.0)
            self.cost.append(0.0)
            self.live.append(0)
            self.accepted_off.append(0)
            for series in self.kinds.values():
                series.append(0)

    def add_request(self, t_s: float, d: dict[str, Any], slo_ms: float, *, feature_on: bool) -> HarmKind | None:
        i = int(t_s // self.bucket_s)
        if i >= len(self.n):
            self._grow(i)
        self.n[i] += 1
        self.cost[i] += float(d.get("cost_usd") or 0.0)
        if is_live(d):
            self.live[i] += 1
        elif d.get("status") == "disabled" and feature_on:
            self.accepted_off[i] += 1
        kind = harm_kind(d, slo_ms)
        w = 0.0
        if kind is not None:
            w = WEIGHTS[kind]
            self.harm[i] += w
            self.kinds[kind.value][i] += 1
        if t_s >= self.started_s:
            topic = str(d.get("topic") or "")
            self.topic_n[topic] = self.topic_n.get(topic, 0) + 1
            self.topic_harm[topic] = self.topic_harm.get(topic, 0.0) + w
        return kind

    # --- reading -----------------------------------------------------------------------------

    def index(self, t_s: float) -> int:
        return max(0, int(t_s // self.bucket_s))

    def total(self, series: list[Any], start_s: float, end_s: float) -> float:
        a, b = self.index(start_s), min(len(series), self.index(end_s))
        return float(sum(series[a:b])) if b > a else 0.0

    def rate_before_incident(self) -> tuple[float, float]:
        """(harm per request, cost per request) before the incident: the world's normal."""
        n = self.total(self.n, 0, self.started_s)
        if not n:
            return 0.0, 0.0
        return self.total(self.harm, 0, self.started_s) / n, self.total(self.cost, 0, self.started_s) / n

    def kind_rate(self, kind: str, start_s: float, end_s: float) -> float:
        n = self.total(self.n, start_s, end_s)
        return self.total(self.kinds[kind], start_s, end_s) / n if n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "bucket_s": self.bucket_s, "started_s": self.started_s, "end_s": self.end_s, "page_s": self.page_s,
            "n": self.n, "harm": [round(h, 4) for h in self.harm], "cost": [round(c, 7) for c in self.cost],
            "live": self.live, "accepted_off": self.accepted_off, "kinds": self.kinds,
            "topic_n": self.topic_n, "topic_harm": {k: round(v, 4) for k, v in self.topic_harm.items()},
            "actions": [list(a) for a in self.actions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        p = cls(bucket_s=float(d["bucket_s"]), started_s=float(d["started_s"]), end_s=float(d["end_s"]),
                page_s=d.get("page_s"))
        p.n, p.harm, p.cost = list(d["n"]), [float(x) for x in d["harm"]], [float(x) for x in d["cost"]]
        p.live, p.accepted_off = list(d["live"]), list(d["accepted_off"])
        p.kinds = {k: list(v) for k, v in d["kinds"].items()}
        p.topic_n, p.topic_harm = dict(d["topic_n"]), {k: float(v) for k, v in d["topic_harm"].items()}
        p.actions = [(float(t), str(a), str(k)) for t, a, k in d.get("actions", [])]
        return p


def profile(events: Iterable[Event], scenario: Scenario) -> Profile:
    """The harm profile of one drill's journal (one streaming pass; the scorer builds the same inline)."""
    from chaos.taxonomy import action_key

    p = Profile(started_s=scenario.ground_truth.started_s)
    slo = scenario.world.latency_slo_ms
    feature_on = True
    for e in events:
        p.end_s = max(p.end_s, e.t_s)
        if e.kind is EventKind.REQUEST:
            p.add_request(e.t_s, e.data, slo, feature_on=feature_on)
        elif e.kind is EventKind.PAGE and p.page_s is None:
            p.page_s = e.t_s
        elif e.kind is EventKind.ACTION and e.data.get("ok", True):
            feature_on = _feature_state(e.data, feature_on)
            if e.actor not in NOT_RESPONDERS:
                p.actions.append((e.t_s, e.actor, action_key(e.data["action"], e.data.get("arg"))))
    p._grow(p.index(p.end_s))
    return p


def _feature_state(d: dict[str, Any], on: bool) -> bool:
    if d.get("action") == "feature-off":
        return False
    if d.get("action") == "feature-on":
        return True
    return on
