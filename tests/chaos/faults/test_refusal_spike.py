"""refusal_spike: the model refuses questions on the matched topics, and only there."""

from __future__ import annotations

from tests.chaos.faults.world_support import quality, run, share


def test_refusals_rise_on_the_matched_topics_only() -> None:
    _, answers = run("refusal_spike", target={"topics": ["refunds", "security"]})
    assert {a.question.topic for a in answers if a.refused} == {"refunds", "security"}
    matched = [a for a in answers if a.question.topic in ("refunds", "security")]
    assert share(matched, lambda a: a.refused) > 0.9


def test_served_answers_stay_correct_and_nothing_errors() -> None:
    world, answers = run("refusal_spike", target={"topics": ["refunds", "security"]})
    assert quality(answers) >= 0.97 and share(answers, lambda a: a.status == "error") == 0
    assert world.metrics(record=False).refusal_rate == share(answers, lambda a: a.refused)


def test_a_change_log_entry_is_written_only_when_the_scenario_gives_one() -> None:
    world, _ = run("refusal_spike", n=1)
    assert world.changes.entries == []
    world, _ = run("refusal_spike", {"change_id": "CHG-3", "change_summary": "provider changelog: new snapshot"}, n=1)
    assert (world.changes.entries[-1].id, world.changes.entries[-1].kind) == ("CHG-3", "model_version")
