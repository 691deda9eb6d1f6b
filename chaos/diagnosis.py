"""How a scripted responder reads the incident: from what on-call can see, never the ground truth.

It walks the runbook with an ``OnCallView`` (the console's limits): when did it start (the first
lasting change on the dashboard, found from its own history, not the page), what does the failure
look like (alerts that fired since, then metrics before the onset against metrics after it and
before its own containment), and then the decision tree's first investigation step for that
symptom: error codes for errors; retrieved chunks, document dates and replays with the previous
prompt and model for wrong answers; replays for refusals; context length and the provider for
latency; tokens, attempts and traffic for cost. A change in the change log is named only when the
evidence points at its kind, and never one a replay exonerated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chaos import evidence
from chaos.clock import clock_label
from chaos.oncall import OnCallView
from chaos.onset import Onset, find_onset
from chaos.taxonomy import Cause, Row, Symptom

RATE_LIMIT_CODES = ("rate_limit", "quota", "429")
SCHEMA_ERRORS = {"APIResponseValidationError", "JSONDecodeError"}
EXAMINE = 6  # failing traces a person opens one by one
ALERT_SYMPTOM = {"error_rate": Symptom.ERRORS, "refusal_rate": Symptom.REFUSALS, "quality": Symptom.WRONG_ANSWERS,
                 "latency_p99": Symptom.LATENCY, "cost_anomaly": Symptom.COST}
PRIORITY = [Symptom.ERRORS, Symptom.REFUSALS, Symptom.WRONG_ANSWERS, Symptom.LATENCY, Symptom.COST]
# change kinds that can carry each cause: what "what changed near the onset?" looks for
CHANGE_KINDS: dict[Cause, tuple[str, ...]] = {
    Cause.PROMPT: ("prompt_deploy",), Cause.MODEL: ("model_version",), Cause.SAFETY: ("model_version",),
    Cause.API_CHANGE: ("model_version", "deploy"), Cause.RETRIEVAL: ("deploy", "index_refresh", "config"),
    Cause.INDEX: ("docs", "index_refresh"), Cause.CONTEXT_GROWTH: ("index_refresh", "deploy", "config", "docs"),
    Cause.KNOWLEDGE_GAP: ("traffic", "docs"), Cause.RATE_LIMIT: ("traffic", "config"), Cause.TRAFFIC: ("traffic",),
    Cause.PROVIDER: (),
}


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
    pinned_model: str | None = None  # a dated version a replay showed answering well
    evidence: list[str] = field(default_factory=list)  # what the look found, in words
    conclusive: bool = True  # False: the row is the default guess, no evidence named it

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


class _Look:
    """One diagnosis: the traces and metrics gathered, split at the onset."""

    def __init__(self, view: OnCallView, contained_s: float | None, since_s: float = 0.0) -> None:
        self.view = view
        view.status()
        view.traces()
        view.traces(failing=True)
        end = view.now_s() if contained_s is None else contained_s
        live = [t for t in view.seen.values() if t["attributes"]["firedrill.fallback"] == "off" and t["t_s"] <= end]
        self.live, self.end_s = live, end
        self.onset: Onset = find_onset(sorted(view.metrics.values(), key=lambda m: m["t_s"]), end_s=end,
                                       failing_s=[t["t_s"] for t in live if _failed(t) and t["t_s"] >= since_s],
                                       paged_s=view.paged_seen_s, since_s=since_s)
        self.split(self.onset.t_s)
        self.changes = [c for c in view.changes() if c["author"] != view.actor]
        self.notes: list[str] = [f"onset {self.onset.label} ({self.onset.reason})"]
        self.symptom = Symptom.WRONG_ANSWERS

    def split(self, t_s: float) -> None:
        """Evidence before and from ``t_s``: the onset, or later the moment the diagnosed symptom itself began
        (two things can go wrong minutes apart, and each is read from its own start)."""
        self.split_s = t_s
        self.before = [t for t in self.live if t["t_s"] < t_s]
        self.during = [t for t in self.live if t["t_s"] >= t_s]
        self.failing = sorted((t for t in self.during if _failed(t)), key=lambda t: t["t_s"])
        graded = [t for t in self.during if _graded(t)]
        self.share = len([t for t in graded if _failed(t)]) / max(1, len(graded))
        points = sorted(self.view.metrics.values(), key=lambda m: m["t_s"])
        self.metrics_before = [m for m in points if 60 <= m["t_s"] < t_s]
        self.metrics_after = [m for m in points if t_s + 60 <= m["t_s"] <= self.end_s]

    def ratio(self, metric: str) -> float:
        """Mean of ``metric`` after the split over its mean before (1.0 without data)."""
        before = [m[metric] for m in self.metrics_before if m.get(metric) is not None and m.get("requests")]
        after = [m[metric] for m in self.metrics_after if m.get(metric) is not None and m.get("requests")]
        if not before or not after or not sum(before):
            return 1.0
        return (sum(after) / len(after)) / (sum(before) / len(before))

    def change_for(self, cause: Cause, *, exonerated: tuple[str, ...] = (),
                   sample: list[dict[str, Any]] | None = None) -> str | None:
        """The latest change of a kind that can carry ``cause``, from 10 minutes before the symptom's own
        onset to 2 minutes after it; for a prompt, the deploy that shipped the version that served the
        failures examined (``sample``, else all failing traces)."""
        if cause is Cause.PROMPT:
            failing = Counter(t["attributes"]["firedrill.prompt.version"]
                              for t in (sample or self.failing)).most_common(1)
            return self.prompt_change(failing[0][0] if failing else None)
        at = self.onset.starts.get(self.symptom.value, self.onset.t_s + 45) - 45
        for kind in [k for k in CHANGE_KINDS[cause] if k not in exonerated]:  # the likeliest kind first
            near = [c for c in self.changes if c["kind"] == kind and at - 600 <= c["t_s"] <= at + 120]
            if near:
                return str(near[-1]["id"])
        return None

    def prompt_change(self, version: str | None) -> str | None:
        """The deploy that shipped the failing prompt version: named in its entry, else the latest before it."""
        deploys = [c for c in self.changes if c["kind"] == "prompt_deploy"]
        named = [c for c in deploys if version and f"{version} " in f"{c['summary']} "]
        if named:
            return named[-1]["id"]
        first = min((t["t_s"] for t in self.failing if t["attributes"]["firedrill.prompt.version"] == version),
                    default=self.split_s)
        before = [c for c in deploys if c["t_s"] <= first]
        return before[-1]["id"] if before else None

    def baseline_model(self) -> str | None:
        seen = Counter(t["attributes"]["gen_ai.response.model"] for t in self.before
                       if t["attributes"]["gen_ai.response.model"])
        return seen.most_common(1)[0][0] if seen else None

    def replays(self, traces: list[dict[str, Any]], **setting: str) -> list[dict[str, Any]]:
        return [self.view.replay(t["trace_id"], **setting) for t in traces]

    def segment(self) -> str | None:
        """The user segment that holds most failures while holding far less of the traffic, if any."""
        failed = Counter(t["segment"] for t in self.failing)
        if sum(failed.values()) < 5 or not self.during:
            return None
        seg, count = failed.most_common(1)[0]
        traffic_share = sum(t["segment"] == seg for t in self.during) / len(self.during)
        return seg if count >= 0.8 * sum(failed.values()) and traffic_share < 0.6 else None

    def concentrated_topic(self, traces: list[dict[str, Any]]) -> str | None:
        """The topic that holds most of ``traces`` while holding far less of all traffic, if any."""
        topics = Counter(t["topic"] for t in traces)
        if not topics or not self.during:
            return None
        top, count = topics.most_common(1)[0]
        traffic_share = sum(t["topic"] == top for t in self.during) / len(self.during)
        return top if count >= 0.6 * len(traces) and traffic_share < 0.5 else None

    def topic_look(self, topic: str) -> list[dict[str, Any]]:
        """The trace explorer filtered to one topic (its own 500 newest reach further back than the
        unfiltered look), live answers up to the containment only."""
        return [t for t in self.view.traces(topic=topic, remember=False)
                if t["attributes"]["firedrill.fallback"] == "off" and t["t_s"] <= self.end_s]

    def hot_topic(self) -> tuple[str, list[dict[str, Any]]] | None:
        """Group the judged answers by topic, one filtered look per topic (the failing-traces look reaches
        back further than the unfiltered one and would inflate any rate): the topic whose failure rate
        since the split stands far above the other topics' together. A failure on one topic is a few
        traces among many, and the dashboard's overall quality hardly moves. Returns the topic and its look."""
        looks = {topic: self.topic_look(topic) for topic in sorted({t["topic"] for t in self.live})}
        rates = {topic: (sum(t["judge"] == "fail" for t in judged), len(judged))
                 for topic, own in looks.items()
                 for judged in [[t for t in own if t["t_s"] >= self.split_s and t["judge"] is not None]]}
        for topic, (fails, n) in sorted(rates.items(), key=lambda kv: -kv[1][0] / max(1, kv[1][1])):
            rest_fails = sum(f for t, (f, _) in rates.items() if t != topic)
            rest_rate = rest_fails / max(1, sum(m for t, (_, m) in rates.items() if t != topic))
            if fails >= 3 and _excess(fails, n, rest_rate) >= 3 and fails / n >= 3 * rest_rate + 0.1:
                self.notes.append(f"{topic}: {fails}/{n} judged answers fail against {rest_rate:.0%} "
                                  "on the other topics")
                return topic, looks[topic]
        return None


def _excess(fails: int, n: int, rate: float) -> float:
    """How many standard deviations ``fails`` of ``n`` lie above what ``rate`` would give (a z-score)."""
    p = min(0.99, max(rate, 0.02))  # a judge is never perfect: two in a hundred is the least noise assumed
    return (fails - n * p) / max(1e-9, (n * p * (1 - p)) ** 0.5)


def cache_failing_topics(view: OnCallView, *, since_s: float) -> list[str]:
    """Topics whose cached answers (served since ``since_s``) the judge fails far more than the rest of
    the cache: what a containment check finds when the cache was built from outdated documents."""
    cached = [t for t in view.seen.values()
              if t["status"] == "cached" and t["t_s"] >= since_s and t["judge"] is not None]
    out = []
    for topic in sorted({t["topic"] for t in cached}):
        own = [t for t in cached if t["topic"] == topic]
        rest = [t for t in cached if t["topic"] != topic]
        fails = sum(t["judge"] == "fail" for t in own)
        rest_rate = sum(t["judge"] == "fail" for t in rest) / max(1, len(rest))
        if fails >= 2 and fails / len(own) >= 0.25 and _excess(fails, len(own), rest_rate) >= 3:
            out.append(topic)
    return out


def _failed(t: dict[str, Any]) -> bool:
    return t["status"] in ("error", "refused") or t["judge"] == "fail"


def _graded(t: dict[str, Any]) -> bool:
    return t["status"] in ("error", "refused") or t["judge"] is not None


def diagnose(view: OnCallView, *, contained_s: float | None = None, since_s: float = 0.0) -> Diagnosis:
    """Diagnose from what ``view`` shows, splitting the evidence at the onset it finds itself."""
    look = _Look(view, contained_s, since_s)
    symptom = look.symptom = _symptom(look)
    look.notes.append(f"symptom {symptom.value}")
    own = look.onset.starts.get(symptom.value)
    if own is not None and own - 45 > look.onset.t_s + 60:
        look.split(own - 45)
        look.notes.append(f"{symptom.value} itself from {clock_label(own - 45)}")
    branch = {Symptom.ERRORS: _errors, Symptom.REFUSALS: _refusals, Symptom.LATENCY: _latency,
              Symptom.COST: _cost}.get(symptom, _wrong_answers)
    d = branch(look)
    d.started_s = look.onset.t_s if own is None else max(look.onset.t_s, own - 45)
    changed = [c["t_s"] for c in look.changes if c["id"] == d.change_id]
    if changed and changed[0] < d.started_s and (since_s or d.started_s - changed[0] <= 900):
        # "did something change around that time?": the change the evidence points at dates the start
        # better than a rolling window does (and a second look may have been contained when it began)
        d.started_s = changed[0]
        look.notes.append(f"dated from {d.change_id}")
    elif changed and changed[0] > d.started_s and d.cause in (Cause.PROMPT, Cause.MODEL):
        # the version the failures came from did not serve before it shipped: the noise before it is noise
        d.started_s = changed[0]
        look.notes.append(f"dated from {d.change_id}, which shipped the failing version")
    d.fraction, d.evidence = _fraction(look, d.symptom), look.notes
    if d.segment is None and d.symptom in (Symptom.WRONG_ANSWERS, Symptom.REFUSALS, Symptom.ERRORS):
        d.segment = look.segment()
    return d


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else 0.0


def _fraction(look: _Look, symptom: Symptom) -> float:
    """What share of requests the failure touches, counted the way its symptom shows: errors and refusals
    among all requests, wrong answers among the judged ones, slow or costly requests against the baseline."""
    during = look.during
    if not during:
        return look.share
    if symptom in (Symptom.ERRORS, Symptom.REFUSALS):
        status = "error" if symptom is Symptom.ERRORS else "refused"
        return sum(t["status"] == status for t in during) / len(during)
    if symptom in (Symptom.LATENCY, Symptom.COST):
        key = "firedrill.latency_ms" if symptom is Symptom.LATENCY else "firedrill.cost_usd"
        base = _median([float(t["attributes"][key] or 0) for t in look.before if t["status"] == "ok"])
        if not base:
            return look.share
        return sum(float(t["attributes"][key] or 0) > 1.5 * base for t in during) / len(during)
    return look.share


def _symptom(look: _Look) -> Symptom:
    """Alerts that fired from the onset on say what the team's SLOs call broken; without one, the metrics do."""
    fired = [ALERT_SYMPTOM[a] for a, t in sorted(look.view.alerts_first_seen.items(), key=lambda kv: kv[1])
             if a in ALERT_SYMPTOM and t >= look.onset.t_s - 60]
    for candidate in PRIORITY:
        if candidate in fired:
            return candidate
    for candidate in PRIORITY:
        if candidate in look.onset.deviations:
            return candidate
    return Symptom.WRONG_ANSWERS


def _made(row: Row, symptom: Symptom, cause: Cause, change_id: str | None, **kw: Any) -> Diagnosis:
    return Diagnosis(row, symptom, cause, 0.0, 0.0, change_id, **kw)


def _errors(look: _Look) -> Diagnosis:
    errors = [t for t in look.failing if t["status"] == "error"]
    codes = Counter(str(t["attributes"]["error.type"]) for t in errors)
    top = codes.most_common(1)[0][0] if codes else ""
    look.notes.append(f"error codes {dict(codes.most_common(3))}")
    if not errors:
        return _made(Row.ERRORS, Symptom.ERRORS, Cause.PROVIDER, None, conclusive=False)
    if any(k in top for k in RATE_LIMIT_CODES):
        return _made(Row.ERRORS, Symptom.ERRORS, Cause.RATE_LIMIT, look.change_for(Cause.RATE_LIMIT))
    attempts = _mean(look.during, "firedrill.attempts")
    cost = look.ratio("cost_per_min")
    if top in SCHEMA_ERRORS and attempts >= 1.3 and cost >= 1.4 and len(errors) < 0.2 * max(1, len(look.during)):
        # the app retries what fails to parse and most retries get through: the users see little of it,
        # the bill sees every attempt (tokens per request x attempts)
        look.notes.append(f"{attempts:.2f} attempts per answered request, cost x{cost:.2f}: the retries are the bill")
        return _made(Row.COST, Symptom.COST, Cause.PROVIDER, None)
    if top in SCHEMA_ERRORS:
        sample = errors[-3:]
        previous = _previous_prompt(look, errors)
        if previous and _fixed(look.replays(sample, prompt=previous)):
            look.notes.append(f"replays with prompt {previous} parse again")
            return _made(Row.ERRORS, Symptom.ERRORS, Cause.PROMPT, look.change_for(Cause.PROMPT))
        pinned = _working_model(look, sample)
        return _made(Row.ERRORS, Symptom.ERRORS, Cause.API_CHANGE,
                     look.change_for(Cause.API_CHANGE, exonerated=("prompt_deploy",)), pinned_model=pinned)
    incident = _provider_incident(look.view.provider_status())
    if incident:
        look.notes.append(f"provider status page: {incident}")
    return _made(Row.ERRORS, Symptom.ERRORS, Cause.PROVIDER, None)


def _provider_incident(status: dict[str, Any] | None) -> str | None:
    """The open incident on the provider's status page, in words (None when it shows nothing)."""
    for incident in (status or {}).get("incidents", []):
        if incident.get("status") != "resolved":
            return f"{incident.get('title')} ({incident.get('status')})"
    return None


def _refusals(look: _Look) -> Diagnosis:
    refused = [t for t in look.failing if t["status"] == "refused"]
    if not refused:
        return _made(Row.REFUSALS, Symptom.REFUSALS, Cause.SAFETY, None, conclusive=False)
    counts = Counter(t["topic"] for t in refused)
    topics = [t for t, n in counts.most_common(2) if n >= 0.2 * len(refused)]
    previous = _previous_prompt(look, refused)
    if previous and _fixed(look.replays(refused[-3:], prompt=previous)):
        return _made(Row.REFUSALS, Symptom.REFUSALS, Cause.PROMPT, look.change_for(Cause.PROMPT), topics=topics)
    return _made(Row.REFUSALS, Symptom.REFUSALS, Cause.SAFETY, look.change_for(Cause.SAFETY), topics=topics)


def _ms_per_token(traces: list[dict[str, Any]]) -> float | None:
    """Median latency per input token of answered requests: flat when longer prompts explain the slowness."""
    rates = sorted(float(t["attributes"]["firedrill.latency_ms"]) / t["attributes"]["gen_ai.usage.input_tokens"]
                   for t in traces if t["status"] == "ok" and t["attributes"]["gen_ai.usage.input_tokens"])
    return rates[len(rates) // 2] if rates else None


def _latency(look: _Look) -> Diagnosis:
    ratio = look.ratio("avg_context_tokens")
    before, during = _ms_per_token(look.before), _ms_per_token(look.during)
    per_token = during / before if before and during else 1.0
    look.notes.append(f"average context length x{ratio:.2f} since the onset, latency per input token x{per_token:.2f}")
    status = look.view.provider_status()
    incident = _provider_incident(status)
    if incident:
        look.notes.append(f"provider status page: {incident}")
    if ratio >= 1.25 and per_token < 1.6 and not incident:
        return _made(Row.LATENCY, Symptom.LATENCY, Cause.CONTEXT_GROWTH, look.change_for(Cause.CONTEXT_GROWTH))
    limited = [t for t in look.during if any(k in str(t["attributes"]["error.type"]) for k in RATE_LIMIT_CODES)]
    if len(limited) >= 0.05 * max(1, len(look.during)):
        return _made(Row.LATENCY, Symptom.LATENCY, Cause.RATE_LIMIT, look.change_for(Cause.RATE_LIMIT))
    return _made(Row.LATENCY, Symptom.LATENCY, Cause.PROVIDER, None)


def _mean(traces: list[dict[str, Any]], attribute: str) -> float:
    values = [float(t["attributes"][attribute] or 0) for t in traces if t["status"] == "ok"]
    return sum(values) / len(values) if values else 0.0


def _cost(look: _Look) -> Diagnosis:
    before, during = look.before, look.during
    out = _mean(during, "gen_ai.usage.output_tokens") / max(1.0, _mean(before, "gen_ai.usage.output_tokens"))
    context = look.ratio("avg_context_tokens")
    attempts = _mean(during, "firedrill.attempts")
    traffic = look.ratio("request_rate")
    look.notes.append(f"output tokens x{out:.2f}, context x{context:.2f}, attempts {attempts:.2f}, "
                      f"requests x{traffic:.2f}")
    if context >= 1.25:
        return _made(Row.COST, Symptom.COST, Cause.CONTEXT_GROWTH, look.change_for(Cause.CONTEXT_GROWTH))
    if attempts >= 1.3:
        return _made(Row.COST, Symptom.COST, Cause.PROVIDER, None)
    if traffic >= 1.5 and out < 1.5:
        return _made(Row.COST, Symptom.COST, Cause.TRAFFIC, look.change_for(Cause.TRAFFIC))
    pinned = look.baseline_model()
    return _made(Row.COST, Symptom.COST, Cause.MODEL, look.change_for(Cause.MODEL), pinned_model=pinned)


def _wrong_answers(look: _Look) -> Diagnosis:
    judged_bad = [t for t in look.failing if t["judge"] == "fail"]
    topic = look.concentrated_topic(judged_bad)
    own: list[dict[str, Any]] | None = look.topic_look(topic) if topic else None
    if topic is None and (hot := look.hot_topic()) is not None:
        topic, own = hot
    if topic and own is not None:
        # the failures sit on one topic: examine that topic's failures, and read more of its answers (the
        # judge grades one in five, and a model's wrong answer is one draw: more examples, more draws)
        judged_bad = [t for t in own if t["t_s"] >= look.split_s and t["judge"] == "fail"]
        details = [look.view.trace(t["trace_id"]) for t in _distinct(judged_bad)]
        unjudged = [t for t in own if t["t_s"] >= look.split_s and t["judge"] is None and t["status"] == "ok"]
        for t in unjudged[:2 * EXAMINE]:
            if len(details) >= EXAMINE + 2:
                break
            d = look.view.trace(t["trace_id"])
            if not evidence.answered_well(d):
                details.append(d)
        look.notes.append(f"examined {len(details)} {topic} answers that read wrong")
    else:
        details = [look.view.trace(t["trace_id"]) for t in _distinct(list(reversed(judged_bad)))]
    if not details:
        return _made(Row.WRONG_RANDOM, Symptom.WRONG_ANSWERS, Cause.RETRIEVAL, None, conclusive=False)
    stale = [d for d in details if evidence.outdated(d)]
    look.notes.append(f"{len(stale)}/{len(details)} failing answers drew on chunks older than their documents")
    if len(stale) >= max(1, len(details) / 3):
        topics = [t for t, _ in Counter(d["topic"] for d in stale).most_common(1)]
        return _made(Row.STALE, Symptom.STALE_INFORMATION, Cause.INDEX, look.change_for(Cause.INDEX), topics=topics)
    sample = details  # a replay is one draw of a probabilistic model: replay every failing trace opened
    reproduced = [d for d, r in zip(sample, look.replays(sample), strict=True) if not evidence.answered_well(r)]
    look.notes.append(f"{len(reproduced)}/{len(sample)} failing requests reproduce")
    # the ones whose retrieval found the right chunks and whose answer is still wrong: the generation failed
    # (prompt or model); a retrieval miss stays wrong whatever prompt or model answers it
    generation = [d for d in reproduced if evidence.relevant(d)]
    tried = generation if len(generation) >= 2 else reproduced
    exonerated: tuple[str, ...] = ()
    if tried:
        previous = _previous_prompt(look, tried)
        if previous and _improved(tried, look.replays(tried, prompt=previous)):
            look.notes.append(f"replays with prompt {previous} answer well")
            return _made(Row.WRONG_CONSISTENT, Symptom.WRONG_ANSWERS, Cause.PROMPT,
                         look.change_for(Cause.PROMPT, sample=tried), topics=[topic] if topic else [])
        exonerated += ("prompt_deploy",)
        pinned = _working_model(look, tried)
        if pinned:
            return _made(Row.WRONG_CONSISTENT, Symptom.WRONG_ANSWERS, Cause.MODEL, look.change_for(Cause.MODEL),
                         pinned_model=pinned, topics=[topic] if topic else [])
        exonerated += ("model_version",)
    irrelevant = [d for d in details if not evidence.relevant(d)]
    look.notes.append(f"{len(irrelevant)}/{len(details)} failing requests retrieved chunks not about the question")
    if topic and len(irrelevant) >= len(details) / 2:
        return _made(Row.HALLUCINATIONS, Symptom.HALLUCINATIONS, Cause.KNOWLEDGE_GAP,
                     look.change_for(Cause.KNOWLEDGE_GAP), topics=[topic])
    return _made(Row.WRONG_RANDOM, Symptom.WRONG_ANSWERS, Cause.RETRIEVAL,
                 look.change_for(Cause.RETRIEVAL, exonerated=exonerated),
                 conclusive=bool(reproduced) and len(irrelevant) >= len(details) / 2)


def _fixed(replays: list[dict[str, Any]]) -> bool:
    """Most replays came back well: for errors and refusals an answer at all, else a grounded one."""
    good = [r for r in replays if r["status"] == "ok" and (evidence.answered_well(r) or not evidence.chunks(r))]
    return bool(replays) and len(good) >= 0.6 * len(replays)


def _distinct(traces: list[dict[str, Any]], n: int = EXAMINE) -> list[dict[str, Any]]:
    """The first ``n`` traces asking different questions: a person picks varied examples, not one
    question asked five times."""
    out: list[dict[str, Any]] = []
    for t in traces:
        if all(t["question"] != o["question"] for o in out):
            out.append(t)
        if len(out) == n:
            break
    return out


def _improved(originals: list[dict[str, Any]], replays: list[dict[str, Any]]) -> bool:
    """Most replays of these wrong answers came back right: grounded, or an honest "I don't know" where
    the original made an answer up (a prompt that stops the model inventing is the fix, even for a
    question the retrieval cannot answer)."""
    good = [r for o, r in zip(originals, replays, strict=True) if r["status"] == "ok" and (
        evidence.answered_well(r) or (evidence.dont_know(r) and not evidence.dont_know(o)))]
    return bool(replays) and len(good) >= 0.6 * len(replays)


def _previous_prompt(look: _Look, sample: list[dict[str, Any]] | None = None) -> str | None:
    """The prompt version before the one that served the failing traces (``sample``, else all failing):
    the version the traces show serving before it first appeared, else the one numbered just below."""
    failing = Counter(t["attributes"]["firedrill.prompt.version"] for t in (sample or look.failing))
    if not failing:
        return None
    current = failing.most_common(1)[0][0]
    first: dict[str, float] = {}
    for t in sorted(look.live, key=lambda t: t["t_s"]):
        first.setdefault(t["attributes"]["firedrill.prompt.version"], t["t_s"])
    earlier = [v for v, t_s in sorted(first.items(), key=lambda kv: kv[1])
               if v and v != current and t_s < first.get(current, float("inf"))]
    if earlier:
        return str(earlier[-1])
    if current and current.startswith("v") and current[1:].isdigit() and int(current[1:]) > 1:
        return f"v{int(current[1:]) - 1}"
    return None


def _working_model(look: _Look, sample: list[dict[str, Any]]) -> str | None:
    """The dated model version that served before the onset (or another of its family) if replays with it work."""
    failing_model = Counter(t["attributes"]["gen_ai.response.model"] for t in sample).most_common(1)
    current = failing_model[0][0] if failing_model else None
    base = look.baseline_model()
    family = (base or current or "").rsplit("-", 3)[0]
    candidates = [base] if base else []
    candidates += [m for m in look.view.models() if m.startswith(family + "-20") and m not in (base, current)]
    for model in [m for m in candidates if m]:
        if _fixed(look.replays(sample, model=model)):
            look.notes.append(f"replays with {model} answer well")
            return model
    return None
