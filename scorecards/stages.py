"""The stage rules, written once: the scorer, the drill summary and eval verification all use them.

Every rule reads the drill's harm profile (``scorecards.harm``) against its counterfactual
baseline: the same scenario and seed with nobody responding.

- **page**: the first ``page`` event (the incident's start if none).
- **acknowledge**: the first responder event at or after the page. Nothing before the page counts.
- **contain**: the first successful responder action at or after the page after which harm
  actually fell: over the next ``WINDOW_S`` the drill's excess harm is below the baseline's by
  more than noise (``fell``), while over the ``WINDOW_S`` before it it was not already below.
- **mitigate (restored)**: the start of the first ``SUSTAIN_S`` window, after a responder action
  at or after the page and ending before the drill does, in which the feature is live (model
  answers, primary or backup: not a cache, not the kill switch; a topic switched off counts as
  live only where the incident was hurting that topic) and every kind of harm, cost and latency
  is back at the pre-incident level within ``TOLERANCE``; a kind the incident raised must also
  have fallen to half of its rise or less.
- **characterise**: only declarations at or after the page count; the standing characterisation
  is their fields merged in order; it is right enough when symptom and cause are right.

"Above noise", documented and tested: harm units behave like counts, so a fall needs the two
windows to differ by two standard deviations of a Poisson count plus ``MIN_UNITS`` units, and by
at least 30%; a window with fewer than ``MIN_REQUESTS`` requests is never judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from scorecards.harm import COST_UNIT_REQUESTS, HarmKind, Profile

WINDOW_S = 120.0
SUSTAIN_S = 300.0
MIN_REQUESTS = 30
MIN_UNITS = 2.0
MIN_SHARE = 0.3
LIVE_SHARE = 0.9
RAISED = 0.02  # a kind the incident raised by more than this must fall to half its rise
TOLERANCE = {  # how far above normal a restored feature may be, per kind (share of requests)
    "wrong": 0.10,  # a backup model a tier down is a runbook mitigation; ~7% wrong is its normal
    HarmKind.REFUSED.value: 0.05,
    HarmKind.ERROR.value: 0.05,
    HarmKind.SLOW.value: 0.05,
}
COST_TOLERANCE = 0.25  # cost per request within 25% of normal
HARMED_TOPIC = 0.25  # a topic whose requests did this much harm each in the baseline is one the incident hurt


@dataclass(frozen=True)
class Norms:
    """What normal looks like: the baseline before the incident."""

    harm_per_request: float
    cost_per_request: float
    kind_rates: dict[str, float]

    def cost_units(self, usd: float) -> float:
        return usd / (self.cost_per_request * COST_UNIT_REQUESTS) if self.cost_per_request > 0 else 0.0


def norms(baseline: Profile) -> Norms:
    harm, cost = baseline.rate_before_incident()
    rates = {k: baseline.kind_rate(k, 0, baseline.started_s) for k in baseline.kinds}
    return Norms(harm, cost, rates)


def excess(p: Profile, nm: Norms, start_s: float, end_s: float) -> tuple[float, float]:
    """(user harm units, cost overrun in dollars) above normal in [start_s, end_s), bucket by bucket."""
    a, b = p.index(start_s), min(len(p.n), p.index(end_s))
    user = cost = 0.0
    for i in range(a, b):
        n = p.n[i]
        user += max(0.0, p.harm[i] - nm.harm_per_request * n)
        cost += max(0.0, p.cost[i] - nm.cost_per_request * n)
    return user, cost


def units(p: Profile, nm: Norms, start_s: float, end_s: float) -> float:
    user, cost = excess(p, nm, start_s, end_s)
    return user + nm.cost_units(cost)


def fell(actual: float, expected: float) -> bool:
    """``actual`` harm units are below ``expected`` by more than noise."""
    return expected - actual >= 2 * math.sqrt(max(expected, 0.0)) + MIN_UNITS and actual <= (1 - MIN_SHARE) * expected


def rose(actual: float, expected: float) -> bool:
    """``actual`` harm units are above ``expected`` by more than noise."""
    return actual - expected >= 2 * math.sqrt(max(expected, 1.0)) + MIN_UNITS and actual >= (1 + MIN_SHARE) * expected


def page_time(p: Profile) -> float:
    return p.page_s if p.page_s is not None else p.started_s


def _ceil(p: Profile, t_s: float) -> float:
    return math.ceil(t_s / p.bucket_s) * p.bucket_s


def _floor(p: Profile, t_s: float) -> float:
    return math.floor(t_s / p.bucket_s) * p.bucket_s


def contained(actual: Profile, baseline: Profile, nm: Norms) -> tuple[float, str] | None:
    """(time, action) of the first action at or after the page after which harm fell."""
    page = page_time(actual)
    for t, _actor, key in actual.actions:
        if t < page or key == "ack":
            continue
        after, before = _ceil(actual, t), _floor(actual, t)
        if actual.total(actual.n, after, after + WINDOW_S) < MIN_REQUESTS:
            continue
        a_after, x_after = units(actual, nm, after, after + WINDOW_S), units(baseline, nm, after, after + WINDOW_S)
        a_before = units(actual, nm, before - WINDOW_S, before)
        x_before = units(baseline, nm, before - WINDOW_S, before)
        if fell(a_after, x_after) and not fell(a_before, x_before):
            return t, key
    return None


@dataclass(frozen=True)
class Restoration:
    at_s: float  # start of the sustained healthy window
    by: str  # the last responder action before it
    action_s: float


def restored(actual: Profile, baseline: Profile, nm: Norms) -> Restoration | None:
    """The first sustained window with the feature live at baseline quality, latency and cost."""
    page = page_time(actual)
    actions = [(t, k) for t, _a, k in actual.actions if t >= page and k != "ack"]
    if not actions:
        return None
    start = _ceil(actual, actions[0][0])
    limits = _limits(baseline, nm)
    harmed_topics = _harmed_topics(baseline)
    t = start
    while t + SUSTAIN_S <= actual.end_s:
        off = _accepts_off(actual, harmed_topics, t)
        if _healthy(actual, nm, limits, t, t + 60.0, off) and _healthy(actual, nm, limits, t, t + SUSTAIN_S, off):
            # the bucket is the profile's resolution: an action inside the window's first bucket is the fix
            prior = [(at, k) for at, k in actions if at <= t + actual.bucket_s] or [(t, "")]
            return Restoration(t, prior[-1][1], prior[-1][0])
        t += actual.bucket_s
    return None


def recovered_by_itself(baseline: Profile, nm: Norms) -> float | None:
    """When the incident ended with nobody responding: the start of the idle run's healthy stretch that
    lasts to its end (every ``SUSTAIN_S`` window from there on is healthy), None if it never ended.

    Not the first healthy window: a fault that keeps hurting a few requests (one topic's, one
    segment's) has five-minute windows that look healthy by chance, and taking one of those for the
    incident's end would make every later restoration worth nothing."""
    limits = _limits(baseline, nm)
    start = _ceil(baseline, baseline.started_s)
    t = _floor(baseline, baseline.end_s - SUSTAIN_S)
    found: float | None = None
    while t >= start and _healthy(baseline, nm, limits, t, t + 60.0, False) and _healthy(
            baseline, nm, limits, t, t + SUSTAIN_S, False):
        found = t
        t -= baseline.bucket_s
    return found


def _harmed_topics(baseline: Profile) -> set[str]:
    return {topic for topic, n in baseline.topic_n.items()
            if n and baseline.topic_harm.get(topic, 0.0) / n >= HARMED_TOPIC}


def _limits(baseline: Profile, nm: Norms) -> dict[str, float]:
    """Per kind, the highest share of requests a restored feature may show; 'cost' per request."""
    start, end = baseline.started_s, baseline.end_s
    out = {}
    for kind, tol in TOLERANCE.items():
        normal = nm.kind_rates.get(kind, 0.0) if kind != "wrong" else _wrong(nm.kind_rates)
        during = (baseline.kind_rate(HarmKind.WRONG, start, end) + baseline.kind_rate(HarmKind.DISCLAIMED, start, end)
                  if kind == "wrong" else baseline.kind_rate(kind, start, end))
        rise = during - normal
        out[kind] = normal + (min(tol, 0.5 * rise) if rise > RAISED else tol)
    n = baseline.total(baseline.n, start, end)
    ratio = baseline.total(baseline.cost, start, end) / n / nm.cost_per_request if n and nm.cost_per_request else 1.0
    slack = min(COST_TOLERANCE, 0.5 * (ratio - 1)) if ratio > 1.1 else COST_TOLERANCE
    out["cost"] = nm.cost_per_request * (1 + slack)
    return out


def _wrong(rates: dict[str, float]) -> float:
    return rates.get(HarmKind.WRONG.value, 0.0) + rates.get(HarmKind.DISCLAIMED.value, 0.0)


def _accepts_off(actual: Profile, harmed_topics: set[str], t_s: float) -> bool:
    """Topics switched off at ``t_s`` were all ones the incident hurt (a runbook mitigation)."""
    off: set[str] = set()
    for at, _a, key in actual.actions:
        if at > t_s:
            break
        name, _, arg = key.partition(":")
        if name == "topic-disable":
            off.add(arg)
        elif name == "topic-enable":
            off.discard(arg)
    return bool(off) and off <= harmed_topics


def healthy_after(actual: Profile, baseline: Profile, nm: Norms, t_s: float, span_s: float = WINDOW_S) -> bool:
    """The feature is live at baseline quality, latency and cost over ``span_s`` after ``t_s``."""
    start = _ceil(actual, t_s)
    harmed = _harmed_topics(baseline)
    return _healthy(actual, nm, _limits(baseline, nm), start, start + span_s, _accepts_off(actual, harmed, start))


def _healthy(p: Profile, nm: Norms, limits: dict[str, float], start: float, end: float, accept_off: bool) -> bool:
    n = p.total(p.n, start, end)
    if n < 10 or (end - start >= SUSTAIN_S and n < MIN_REQUESTS):
        return False
    live = p.total(p.live, start, end) + (p.total(p.accepted_off, start, end) if accept_off else 0)
    if live < LIVE_SHARE * n:
        return False
    for kind, limit in limits.items():
        if kind == "cost":
            if p.total(p.cost, start, end) / n > limit + 1e-12:
                return False
            continue
        rate = (p.kind_rate(HarmKind.WRONG, start, end) + p.kind_rate(HarmKind.DISCLAIMED, start, end)
                if kind == "wrong" else p.kind_rate(kind, start, end))
        if rate > limit + 1e-12:
            return False
    return True


def estimated_baseline(actual: Profile) -> Profile:
    """Without a counterfactual run: the incident as measured before anyone acted, carried to the end."""
    first = min([t for t, _a, k in actual.actions if k != "ack" and t >= actual.started_s] or [actual.end_s])
    a, b = actual.index(actual.started_s), actual.index(first)
    n = sum(actual.n[a:b])
    p = replace(actual, n=list(actual.n), harm=list(actual.harm), cost=list(actual.cost), live=list(actual.live),
                accepted_off=list(actual.accepted_off), kinds={k: list(v) for k, v in actual.kinds.items()},
                actions=[])
    if not n:
        return p
    rate = {"harm": sum(actual.harm[a:b]) / n, "cost": sum(actual.cost[a:b]) / n, "live": sum(actual.live[a:b]) / n}
    kinds = {k: sum(v[a:b]) / n for k, v in actual.kinds.items()}
    for i in range(b, len(p.n)):
        m = p.n[i]
        p.harm[i], p.cost[i] = rate["harm"] * m, rate["cost"] * m
        p.live[i], p.accepted_off[i] = round(rate["live"] * m), 0
        for k in p.kinds:
            p.kinds[k][i] = round(kinds[k] * m)
    return p


# --- characterisation -----------------------------------------------------------------------

DECLARED_FIELDS = ("symptom", "cause", "started_s", "fraction", "segment", "change_id", "topics")


@dataclass
class Characterisation:
    standing: dict[str, Any]  # fields merged from the declarations that count
    ignored_before_page: int  # declarations made before the page
    changes: list[tuple[float, str, Any, Any]]  # t, field, from, to
    right_since: float | None  # since when symptom and cause have been right for good


def characterisation(declarations: list[tuple[float, dict[str, Any]]], page: float, symptom: str,
                     cause: str) -> Characterisation:
    standing: dict[str, Any] = {}
    changes: list[tuple[float, str, Any, Any]] = []
    ignored = 0
    right_since: float | None = None
    for t, d in declarations:
        if t < page:
            ignored += 1
            continue
        for k, v in d.items():
            if k in standing and standing[k] != v:
                changes.append((t, k, standing[k], v))
            standing[k] = v
        right = standing.get("symptom") == symptom and standing.get("cause") == cause
        if right and right_since is None:
            right_since = t
        elif not right:
            right_since = None
    return Characterisation(standing, ignored, changes, right_since)


def acknowledged(responder_events: list[float], page: float) -> float | None:
    return next((t for t in responder_events if t >= page), None)


def incident_moment(actual: Profile) -> float:
    """Just before the team first changed anything after the page (the end if they never did)."""
    page = page_time(actual)
    first = [t for t, _a, k in actual.actions if t >= page and k != "ack"]
    return max(page, first[0] - 0.001) if first else actual.end_s
