"""prompt_regression: a deployed prompt drops grounding (wrong answers) or the output format (errors)."""

from __future__ import annotations

import random
from collections import Counter

from tests.chaos.faults.world_support import baseline_metrics, quality, run, share


def test_an_ungrounded_prompt_gives_wrong_answers_across_every_topic_without_errors() -> None:
    world, answers = run("prompt_regression", {"change_id": "CHG-9"})
    assert quality(answers) < 0.7
    assert {a.question.topic for a in answers if a.bad} == {a.question.topic for a in answers}
    assert share(answers, lambda a: a.status == "error") == 0  # a quality row, not an error row
    assert share(answers, lambda a: a.refused) == 0
    m, base = world.metrics(record=False), baseline_metrics()
    assert m.quality is not None and base.quality is not None and m.quality < base.quality - 0.2
    assert abs(m.p99_ms - base.p99_ms) < 0.5 * base.p99_ms


def test_the_regression_is_a_deploy_in_the_change_log_with_the_scenario_id() -> None:
    world, _ = run("prompt_regression", {"change_id": "CHG-9"}, n=5)
    last = world.changes.entries[-1]
    assert (last.id, last.kind) == ("CHG-9", "prompt_deploy") and world.prompts.current.version == "v2"


def test_rolling_back_the_prompt_restores_correct_answers() -> None:
    world, _ = run("prompt_regression", n=5)
    world.rollback_prompt()
    rng = random.Random(5)
    after = [world.ask(user="u", segment="free", question=rng.choice(world.kb.golden)) for _ in range(100)]
    assert quality(after) >= 0.97 and world.prompts.current.text == world.prompts.versions["v1"].text


def test_format_mode_breaks_parsing_so_every_answer_is_an_error() -> None:
    _, answers = run("prompt_regression", {"mode": "format"}, n=200)
    assert Counter(a.error_type for a in answers) == {"JSONDecodeError": len(answers)}
