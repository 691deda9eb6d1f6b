"""The counterfactual baseline is the idle run: the same profile whether drilled here or handed over."""

from __future__ import annotations

import pytest

from chaos.baseline import _compute, remember_idle_run
from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.loader import load_scenario
from tests.playbooks.oracle import playbook


def test_an_idle_run_handed_over_gives_the_baseline_a_fresh_one_would_and_a_team_run_is_refused() -> None:
    s = load_scenario("prompt-regression")
    log = EventLog(":memory:", durable=False)
    idle = list(log.events(Drill(s, log=log, seed=s.seed).run()))
    assert remember_idle_run(s, s.seed, idle, disk=False) == _compute(s, s.seed)
    responder = playbook("gamer-kill-switch", s).responder()
    acted = list(log.events(Drill(s, log=log, seed=s.seed, responder=responder).run()))
    with pytest.raises(ValueError, match="not an idle run"):
        remember_idle_run(s, s.seed, acted, disk=False)
