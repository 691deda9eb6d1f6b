"""retrieval_degradation: irrelevant chunks for a random subset of requests -> a random subset is wrong."""

from __future__ import annotations

from tests.chaos.faults.world_support import run, share


def test_a_random_subset_spread_over_topics_is_wrong() -> None:
    _, answers = run("retrieval_degradation", target={"fraction": 0.3})
    assert 0.15 <= share(answers, lambda a: a.bad) <= 0.4
    assert len({a.question.topic for a in answers if a.bad}) >= 5  # spread, not one topic


def test_errors_and_refusals_do_not_move() -> None:
    _, answers = run("retrieval_degradation", target={"fraction": 0.3})
    assert share(answers, lambda a: a.status == "error") == 0 and share(answers, lambda a: a.refused) == 0


def test_requests_outside_the_fraction_keep_relevant_chunks() -> None:
    _, answers = run("retrieval_degradation", target={"fraction": 0.3})
    untouched = [a for a in answers if not a.faults]
    assert untouched and all(a.correct for a in untouched if a.served)
