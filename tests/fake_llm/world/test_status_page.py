"""The provider status page behaves like real ones: late, vague, sometimes silent, and always the same for a seed."""

from __future__ import annotations

from fake_llm.world.status_page import StatusPage, StatusSettings


def test_an_outage_is_posted_late_as_investigating_then_identified() -> None:
    page = StatusPage(seed=1, settings=StatusSettings(silent_chance=0.0, post_delay_s=(300, 300),
                                                      identify_after_s=(600, 600)))
    page.fault_started("f1", "outage", ["fd-large"], now_s=600)
    assert page.view(899)["incidents"] == [] and page.view(899)["description"] == "All Systems Operational"
    posted = page.view(900)
    assert [(i["title"], i["status"]) for i in posted["incidents"]] == [("Elevated error rates for fd-large",
                                                                         "investigating")]
    assert posted["components"]["fd-large"] == "partial_outage" and posted["components"]["fd-small"] == "operational"
    assert page.view(1500)["incidents"][0]["status"] == "identified"


def test_some_incidents_are_never_posted_and_which_ones_is_fixed_by_the_seed() -> None:
    def posted(seed: int) -> list[bool]:
        page = StatusPage(seed=seed)
        return [page.fault_started(f"f{i}", "latency", [], now_s=0) is not None for i in range(200)]

    assert posted(3) == posted(3) and posted(3) != posted(4)
    assert 0.6 < sum(posted(3)) / 200 < 0.9  # a quarter stay silent by default


def test_faults_that_are_not_provider_incidents_post_nothing() -> None:
    page = StatusPage(seed=0, settings=StatusSettings(silent_chance=0.0))
    for kind in ("schema_error", "wrong_answer", "model_change", "rate_limit", "prompt_regression"):
        assert page.fault_started(kind, kind, [], now_s=0) is None
    assert page.view(10_000)["incidents"] == []


def test_a_fault_that_ends_moves_a_posted_incident_to_resolved_and_an_unposted_one_never_appears() -> None:
    page = StatusPage(seed=2, settings=StatusSettings(silent_chance=0.0, post_delay_s=(60, 60)))
    page.fault_started("early", "outage", [], now_s=0)
    page.fault_started("brief", "outage", [], now_s=0)
    page.fault_stopped("early", now_s=120)
    assert page.view(5000)["incidents"][0]["status"] == "resolved"
    page2 = StatusPage(seed=2, settings=StatusSettings(silent_chance=0.0, post_delay_s=(600, 600)))
    page2.fault_started("brief", "outage", [], now_s=0)
    page2.fault_stopped("brief", now_s=100)
    assert page2.view(10_000)["incidents"] == []
