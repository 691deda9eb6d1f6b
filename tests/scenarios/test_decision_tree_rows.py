"""Each decision-tree row, played as on-call plays it: only through the responder API over HTTP.

For every row one library scenario runs on the simulated clock behind its real server; a joined
responder then sees the symptom as the row describes it, takes the row's first investigation step
and finds the cause there, applies the row's mitigation, and watches it work. Nothing here reads
the ground truth, the scenario or the world: only what GET/POST /drill/* return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from statistics import median
from typing import Any

import httpx
import pytest

from chaos import evidence
from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.live import LiveDrill, serve_drill
from chaos.loader import load_scenario


class OnCall:
    """A responder at the console: a real HTTP client with a personal token; the test moves the drill clock."""

    def __init__(self, scenario_id: str) -> None:
        self.drill = Drill(load_scenario(scenario_id), log=EventLog(":memory:", durable=False))
        self.live: LiveDrill = serve_drill(self.drill, responder_token="join-code")
        joined = httpx.post(f"{self.live.url}/drill/join", json={"name": "Sam", "role": "operations"},
                            headers={"authorization": "Bearer join-code"}, timeout=30).json()
        self.http = httpx.Client(base_url=self.live.url, headers={"authorization": f"Bearer {joined['token']}"},
                                 timeout=30)

    def until(self, minute: float) -> None:
        while self.drill.now_s() < minute * 60 and self.drill.clock.step():
            pass

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def status(self) -> dict[str, Any]:
        return self.get("/drill/status")

    def alerts(self) -> set[str]:
        return {a["alert"] for a in self.status()["alerts"]}

    def traces(self, failing: bool = False, **filters: str) -> list[dict[str, Any]]:
        return self.get("/drill/traces", failing=str(failing).lower(), limit=500, **filters)["traces"]

    def trace(self, trace_id: str) -> dict[str, Any]:
        return self.get(f"/drill/traces/{trace_id}")

    def replay(self, trace_id: str, **setting: str) -> dict[str, Any]:
        return self.post("/drill/replay", {"trace_id": trace_id, **setting})

    def act(self, action: str, arg: str | None = None) -> None:
        self.post("/drill/act", {"action": action, "arg": arg})

    def close(self) -> None:
        self.http.close()
        self.drill.end()
        self.live.stop()


@pytest.fixture
def on_call(request: pytest.FixtureRequest) -> Iterator[OnCall]:
    person = OnCall(request.param)
    yield person
    person.close()


def since(traces: list[dict[str, Any]], minute: float) -> list[dict[str, Any]]:
    return [t for t in traces if t["t_s"] >= minute * 60]


def share(traces: list[dict[str, Any]], test: Any) -> float:
    return sum(bool(test(t)) for t in traces) / max(1, len(traces))


def judged_fail(traces: list[dict[str, Any]]) -> float:
    judged = [t for t in traces if t["judge"] is not None]
    return share(judged, lambda t: t["judge"] == "fail")


def attr(t: dict[str, Any], name: str) -> Any:
    return t["attributes"][name]


def dashboard(on_call: OnCall, metric: str, start_min: float, end_min: float) -> list[float]:
    """The dashboard's series for ``metric`` between two drill minutes (it holds the last ten minutes)."""
    series = on_call.status()["series"]
    return [v for t, v in zip(series["t_s"], series[metric], strict=True)
            if v is not None and start_min * 60 <= t <= end_min * 60]


def ratio(on_call: OnCall, metric: str, before: tuple[float, float], after: tuple[float, float]) -> float:
    return median(dashboard(on_call, metric, *after)) / median(dashboard(on_call, metric, *before))


@pytest.mark.parametrize("on_call", ["prompt-regression"], indirect=True)
def test_wrong_answers_consistent_prompt_rollback(on_call: OnCall) -> None:
    on_call.until(20)
    assert "quality" in on_call.alerts()
    failing = [t for t in since(on_call.traces(failing=True), 13) if t["judge"] == "fail"]
    assert len({t["topic"] for t in failing}) >= 5, "a consistent pattern: wrong across topics"
    # first step: roll back the last prompt change (try it on the failing requests first); the model did not change
    deploys = [c for c in on_call.get("/drill/changes")["changes"] if c["kind"] == "prompt_deploy"]
    assert deploys and {attr(t, "firedrill.prompt.version") for t in failing} == {"v2"}
    assert {attr(t, "gen_ai.response.model") for t in on_call.traces()} == {"fd-large-2026-09-01"}
    replays = [on_call.replay(t["trace_id"], prompt="v1") for t in failing[:6]]
    assert share(replays, evidence.answered_well) >= 0.8
    on_call.act("prompt-rollback")
    on_call.until(28)
    assert judged_fail(since(on_call.traces(), 22)) < 0.1


@pytest.mark.parametrize("on_call", ["retrieval-degradation"], indirect=True)
def test_wrong_answers_random_subset_irrelevant_chunks_index_rebuild(on_call: OnCall) -> None:
    on_call.until(18)
    during = since(on_call.traces(), 11)
    assert 0.15 < judged_fail(during) < 0.6, "a random subset, not everything"
    failing = [t for t in since(on_call.traces(failing=True), 11) if t["judge"] == "fail"][:8]
    details = [on_call.trace(t["trace_id"]) for t in failing]
    assert share(details, lambda d: not evidence.relevant(d)) >= 0.75, "the retrieved chunks are not about the question"
    on_call.act("index-rebuild")
    on_call.until(26)
    assert judged_fail(since(on_call.traces(), 19)) < 0.08


@pytest.mark.parametrize("on_call", ["stale-index"], indirect=True)
def test_stale_information_old_index_rebuild(on_call: OnCall) -> None:
    on_call.until(20)
    failing = [t for t in since(on_call.traces(failing=True), 10) if t["judge"] == "fail"]
    assert failing and Counter(t["topic"] for t in failing).most_common(1)[0][0] == "pricing"
    # first step: last index update time against the source documents' dates
    built = on_call.status()["controls"]["index_built"]
    docs = [c for c in on_call.get("/drill/changes")["changes"] if c["kind"] == "docs"]
    assert docs and built < docs[0]["time"], "the index was built before the documents changed"
    details = [on_call.trace(t["trace_id"]) for t in failing[:6]]
    assert share(details, evidence.outdated) >= 0.5, "the chunks are older than their documents"
    on_call.act("topic-disable", "pricing")
    on_call.act("index-rebuild")
    on_call.act("topic-enable", "pricing")
    on_call.until(28)
    later = [t for t in since(on_call.traces(topic="pricing"), 21)]
    assert later and judged_fail(later) < 0.1


@pytest.mark.parametrize("on_call", ["refusal-spike"], indirect=True)
def test_increased_refusals_new_snapshot_pin_the_previous_one(on_call: OnCall) -> None:
    on_call.until(18)
    assert "refusal_rate" in on_call.alerts()
    assert max(dashboard(on_call, "refusal_rate", 8, 9.5)) == 0
    assert min(dashboard(on_call, "refusal_rate", 12, 18)) > 0.04
    refused = [t for t in since(on_call.traces(failing=True), 10) if t["status"] == "refused"]
    assert {t["topic"] for t in refused} <= {"refunds", "security"}
    # first step: test the affected prompts directly, and check whether the model version changed
    before = on_call.traces(model="fd-large-2026-09-01")  # the trace explorer filters before its limit
    now = Counter(attr(t, "gen_ai.response.model") for t in since(on_call.traces(), 11))
    assert before and max(t["t_s"] for t in before) < 600 and now.most_common(1)[0][0] == "fd-large-2026-11-20"
    again = [on_call.replay(t["trace_id"]) for t in refused[:4]]
    pinned = [on_call.replay(t["trace_id"], model="fd-large-2026-09-01") for t in refused[:4]]
    assert all(r["status"] == "refused" for r in again) and all(r["status"] == "ok" for r in pinned)
    on_call.act("model-use", "fd-large-2026-09-01")
    on_call.until(24)
    assert share(since(on_call.traces(), 19), lambda t: t["status"] == "refused") == 0


@pytest.mark.parametrize("on_call", ["latency-spike"], indirect=True)
def test_latency_spike_from_the_provider_backup_model(on_call: OnCall) -> None:
    on_call.until(18)
    assert "latency_p99" in on_call.alerts()
    # first step: the provider status page, and the average context length
    page = on_call.get("/drill/provider-status")
    assert all("fd-large" in i["components"] for i in page["incidents"])  # late or silent, never wrong
    context = ratio(on_call, "avg_context_tokens", (8.5, 9.9), (12, 18))
    slow = ratio(on_call, "p99_ms", (8.5, 9.9), (12, 18))
    assert context < 1.2 and slow > 5, "the context did not grow; the provider got slow"
    on_call.act("fallback", "backup-model")
    on_call.until(25)
    assert max(attr(t, "firedrill.latency_ms") for t in since(on_call.traces(), 19)) < 8000
    cheap, before = dashboard(on_call, "cost_per_request", 20, 25), dashboard(on_call, "cost_per_request", 16, 18)
    assert cheap and 0 < max(cheap) < min(before), "the backup model is cheaper, and its cost still charts"
    status = on_call.status()  # the chart draws what the dashboard's figure says, not a rounded-off zero
    assert status["series"]["cost_per_request"][-1] == pytest.approx(status["metrics"]["cost_per_request"], rel=1e-3)


@pytest.mark.parametrize("on_call", ["schema-mismatch"], indirect=True)
def test_errors_after_an_api_change_pin_the_previous_snapshot(on_call: OnCall) -> None:
    on_call.until(16)
    assert "error_rate" in on_call.alerts()
    # first step: the error codes in traces, and the API changelog
    errors = [t for t in since(on_call.traces(failing=True), 10) if t["status"] == "error"]
    assert Counter(attr(t, "error.type") for t in errors).most_common(1)[0][0] == "APIResponseValidationError"
    changelog = [c for c in on_call.get("/drill/changes")["changes"] if c["kind"] == "model_version"]
    assert changelog and "fd-large-2026-11-20" in changelog[0]["summary"]
    assert {attr(t, "gen_ai.response.model") for t in errors} == {"fd-large-2026-11-20"}
    assert on_call.replay(errors[0]["trace_id"], model="fd-large-2026-09-01")["status"] == "ok"
    on_call.act("model-use", "fd-large-2026-09-01")
    on_call.until(22)
    assert share(since(on_call.traces(), 17), lambda t: t["status"] == "error") == 0


@pytest.mark.parametrize("on_call", ["hallucination-topic"], indirect=True)
def test_hallucinations_on_a_topic_the_knowledge_base_lacks_disable_it(on_call: OnCall) -> None:
    on_call.until(20)
    failing = [t for t in since(on_call.traces(failing=True), 10) if t["judge"] == "fail"]
    topic, count = Counter(t["topic"] for t in failing).most_common(1)[0]
    assert count >= 0.7 * len(failing), "the hallucinations sit on one topic"
    # first step: is that topic covered by the knowledge base? The retrieved chunks say no
    details = [on_call.trace(t["trace_id"]) for t in failing if t["topic"] == topic][:6]
    assert all(not evidence.relevant(d) for d in details) and all(d["answer"] for d in details)
    on_call.act("topic-disable", topic)
    on_call.until(26)
    served = [t for t in since(on_call.traces(topic=topic), 21) if t["status"] == "ok"]
    assert served == []


@pytest.mark.parametrize("on_call", ["cost-anomaly"], indirect=True)
def test_cost_anomaly_from_a_verbose_snapshot_pin_the_previous_one(on_call: OnCall) -> None:
    on_call.until(18)
    assert "cost_anomaly" in on_call.alerts()
    # first step: tokens per request, context length, and the model version
    out = ratio(on_call, "avg_output_tokens", (8.5, 9.9), (12, 18))
    context = ratio(on_call, "avg_context_tokens", (8.5, 9.9), (12, 18))
    assert out > 3 and context < 1.2, "tokens per request are up, the context is not"
    late = [t for t in since(on_call.traces(), 11) if t["status"] == "ok"]
    assert {attr(t, "gen_ai.response.model") for t in late} == {"fd-large-2026-11-20"}
    base = median(dashboard(on_call, "cost_per_request", 8.5, 9.9))
    on_call.act("model-use", "fd-large-2026-09-01")
    on_call.until(26)
    assert median(dashboard(on_call, "cost_per_request", 20, 26)) < 1.3 * base
