"""hallucination_topic: questions on a topic the knowledge base lacks arrive; the model fabricates."""

from __future__ import annotations

from tests.chaos.faults.world_support import quality, run, share


def test_wrong_answers_come_only_from_the_new_topic() -> None:
    _, answers = run("hallucination_topic", {"topic": "integrations", "share": 0.3})
    new = [a for a in answers if a.question.topic == "integrations"]
    assert 0.2 <= len(new) / len(answers) <= 0.4
    assert {a.question.topic for a in answers if a.bad} == {"integrations"}
    assert quality([a for a in answers if a.question.topic != "integrations"]) >= 0.97


def test_fabricated_answers_are_served_not_errors_or_refusals() -> None:
    _, answers = run("hallucination_topic", {"topic": "integrations", "share": 0.3})
    assert share(answers, lambda a: a.status == "error") == 0
    new = [a for a in answers if a.question.topic == "integrations"]
    assert share(new, lambda a: a.served and a.bad) > 0.5
