"""The score ranks teams by how well they handled the incident, on every row of the decision tree.

Each scenario of the suite's subset (one or more per row) is drilled at its own seed by the idle
responder and by scripted responders of known quality (tests/playbooks): excellent, slow but
correct, red-herring chaser, and gamers (the kill switch forever, junk eval cases; acting before
the page and declaring everything on a few scenarios). Every drill is scored against the idle
run. The ranking must hold: excellent > slow > red-herring chaser, excellent ≥ 80, idle = 0, every
gamer ≤ 50; the excellent responder's post-mortem eval case verifies (every scenario has a case
that can: it fails in the incident, passes healthy and after the mitigation); junk cases never
verify and gain nothing. Every bundled scenario at more seeds: scripts/score_matrix.py.
"""

from __future__ import annotations

import pytest

from chaos.loader import SCENARIO_DIR, load_scenario
from chaos.taxonomy import Row
from tests.playbooks.ranking import checks, drill_row

SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
# The suite's honest subset (the whole suite must stay under five minutes on two cores): one
# scenario for every row of the decision tree, the two with a red herring beside the cause among
# them, drilled by the responders whose scores depend on how its incident unfolds: the three
# correct ones and the kill-switch gamer (it contains, so its points depend on the scenario). Every
# bundled scenario, these and the rest, at three seeds, is ranked by scripts/score_matrix.py (the
# README's table). The junk-evals gamer's cases are written on the excellent drill, where they are
# checked harder (they must not verify and must not change its score). The two gamers nothing of
# whose counts (acting before the page; spraying declarations) run on a few scenarios here and on
# every scenario × seed in scripts/score_matrix.py.
SUITE_SCENARIOS = ("cost-anomaly", "embedding-swap", "hallucination-topic", "latency-spike", "provider-outage",
                   "refusal-spike", "stale-index-beside-deploy", "two-faults-red-herring")
SUITE_QUALITIES = ("excellent", "slow", "red-herring", "gamer-kill-switch")
NOTHING_COUNTS = ("gamer-before-page", "gamer-declare-everything")
NOTHING_COUNTS_ON = ("prompt-regression", "provider-outage", "cost-anomaly")


def test_the_suites_ranking_covers_every_row_of_the_decision_tree() -> None:
    assert len(SCENARIOS) >= 19 and set(SUITE_SCENARIOS) <= set(SCENARIOS)
    assert {load_scenario(s).ground_truth.row for s in SUITE_SCENARIOS} == set(Row)


@pytest.mark.timeout(900)  # one scenario is seven drills: minutes on a loaded two-core box
@pytest.mark.parametrize("scenario_id", SUITE_SCENARIOS)
def test_the_ranking_holds_and_the_postmortem_case_verifies(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    row = drill_row(s, s.seed, SUITE_QUALITIES, disk=False)
    assert not checks(row), f"{scenario_id} seed {s.seed}: {row.scores}\n" + "\n".join(checks(row))
    # the cases themselves: the excellent drill's real cases verify and its junk ones are rejected with a reason
    excellent = row.verdicts["excellent"]
    assert any(v.verified for v in excellent if v.case_id not in row.junk_ids)
    assert row.junk_ids and all(not v.verified and v.reason for v in excellent if v.case_id in row.junk_ids)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("scenario_id", NOTHING_COUNTS_ON)
def test_gamers_whose_moves_never_count_stay_at_the_acknowledgement(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    row = drill_row(s, s.seed, NOTHING_COUNTS, disk=False)
    assert not checks(row), f"{scenario_id} seed {s.seed}: {row.scores}\n" + "\n".join(checks(row))
    for g in NOTHING_COUNTS:
        card = row.cards[g]
        assert card.stage("contain").points == card.stage("mitigate").points == 0
        assert card.overall <= round(card.stage("acknowledge").points, 1)  # the card rounds to one decimal
