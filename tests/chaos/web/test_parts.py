"""Fragments the console loads render what on-call tools show, escaped."""

from __future__ import annotations

from chaos.web.routes import ENV

STATUS_PAGE = {
    "page": "status.example", "indicator": "minor", "description": "Active incident",
    "components": {"API": "operational", "fd-large": "degraded_performance"},
    "incidents": [{"id": "i1", "title": "Degraded performance", "status": "investigating", "components": ["fd-large"],
                   "updates": [{"time": "14:22", "t_s": 1320.0, "status": "investigating",
                                "message": "We are looking <b>into</b> it"}]}],
}


def test_the_provider_status_page_shows_components_and_incident_updates_escaped() -> None:
    html = ENV.get_template("parts/provider.html").render(status=STATUS_PAGE)
    assert "Active incident" in html and "degraded performance" in html and "14:22" in html
    assert "&lt;b&gt;into&lt;/b&gt;" in html and "<b>into" not in html


def test_without_a_status_page_the_panel_says_so() -> None:
    assert "publishes no status page" in ENV.get_template("parts/provider.html").render(status=None)
