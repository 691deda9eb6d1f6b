"""context_growth: more and longer chunks -> context, latency and cost climb; quality unchanged."""

from __future__ import annotations

from tests.chaos.faults.world_support import baseline, baseline_metrics, mean, quality, run, share


def test_latency_cost_and_context_climb() -> None:
    world, answers = run("context_growth")
    base = list(baseline()[1])
    assert mean([a.context_tokens for a in answers]) > 3 * mean([a.context_tokens for a in base])
    assert mean([a.cost_usd for a in answers]) > 2 * mean([a.cost_usd for a in base])
    assert mean([a.latency_s for a in answers]) > mean([a.latency_s for a in base])
    m, b = world.metrics(record=False), baseline_metrics()
    assert m.cost_per_min > 2 * b.cost_per_min and m.avg_context_tokens > 3 * b.avg_context_tokens


def test_quality_errors_and_refusals_do_not_move() -> None:
    _, answers = run("context_growth")
    assert quality(answers) >= 0.95
    assert share(answers, lambda a: a.status == "error") == 0 and share(answers, lambda a: a.refused) == 0
