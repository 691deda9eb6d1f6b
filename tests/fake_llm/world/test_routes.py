"""The AI feature over HTTP and its Prometheus metrics, on a real server."""

from __future__ import annotations

import httpx

from fake_llm import ServerThread, create_app
from fake_llm.world.routes import world_routes
from fake_llm.world.world import World


def test_ask_over_http_and_metrics_in_prometheus_text() -> None:
    world = World(seed=2)
    question = world.kb.golden[0]
    with ServerThread(create_app(provider=world.provider, latency_scale=0, extra_routes=world_routes(world))) as srv:
        r = httpx.post(f"{srv.url}/v1/assistant/ask", json={"question": question.text, "user": "ada"})
        assert r.status_code == 200 and world.kb.expected(question) in r.json()["answer"]
        assert httpx.post(f"{srv.url}/v1/assistant/ask", content=b"nope").status_code == 400
        text = httpx.get(f"{srv.url}/metrics").text
    samples = {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if not line.startswith("#")}
    assert samples["firedrill_error_rate"] == 0.0
    assert 'firedrill_alert_firing{alert="quality"}' in samples
    assert all(line.startswith("# HELP") or line.startswith("# TYPE") or len(line.split()) == 2
               for line in text.splitlines())
