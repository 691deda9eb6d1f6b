"""The AI feature over HTTP and its Prometheus metrics, on a real server."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from fake_llm import ServerThread, create_app
from fake_llm.world.routes import world_routes
from fake_llm.world.world import World


def test_ask_over_http_and_metrics_in_prometheus_text() -> None:
    world = World(seed=2)
    question = world.kb.golden[0]
    with ServerThread(create_app(provider=world.provider, latency_scale=0, extra_routes=world_routes(world))) as srv:
        r = httpx.post(f"{srv.url}/v1/assistant/ask", json={"question": question.text, "user": "ada"})
        assert r.status_code == 200 and world.kb.expected(question) in r.json()["answer"]
        assert httpx.post(f"{srv.url}/v1/assistant/ask", content=b"nope").status_code == 415  # JSON only
        assert httpx.post(f"{srv.url}/v1/assistant/ask", content=b"nope",
                          headers={"content-type": "application/json"}).status_code == 400
        empty = httpx.post(f"{srv.url}/v1/assistant/ask", json={"question": "  "})
        assert empty.status_code == 400 and "1 to 2000 characters" in empty.json()["error"]["message"]
        text = httpx.get(f"{srv.url}/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}  # the official parser
    assert families["firedrill_error_rate"].type == "gauge"
    assert families["firedrill_error_rate"].samples[0].value == 0.0
    assert families["firedrill_request_rate"].samples[0].value > 0
    alerts = {s.labels["alert"]: s.value for s in families["firedrill_alert_firing"].samples}
    assert alerts == {"error_rate": 0, "latency_p99": 0, "quality": 0, "refusal_rate": 0, "cost_anomaly": 0}
