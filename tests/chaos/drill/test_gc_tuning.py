"""The collector is tuned only while a simulated drill runs, and left exactly as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from chaos.drill import Drill
from chaos.drill.gc_tuning import YOUNG_THRESHOLD, simulation_gc
from chaos.eventlog import EventLog
from chaos.loader import load_scenario


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield
    gc.set_threshold(*thresholds)
    if gc.get_freeze_count() and not frozen:
        gc.unfreeze()


def test_inside_the_block_collections_are_rare_and_what_existed_is_frozen() -> None:
    before = gc.get_threshold()
    with simulation_gc():
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_collector_is_restored_when_the_block_raises() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), simulation_gc():
        raise RuntimeError("the drill broke")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_overlapping_runs_restore_only_when_the_last_one_leaves() -> None:
    before = gc.get_threshold()
    with simulation_gc():
        with simulation_gc():
            pass
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0]), "the outer run is still going"
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_freeze_the_process_made_itself_is_left_alone() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with simulation_gc():
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == frozen


def test_a_simulated_drill_leaves_the_collector_as_it_found_it() -> None:
    scenario = load_scenario("stale-index").model_copy(update={"duration_min": 5.0})
    before = gc.get_threshold()
    Drill(scenario, log=EventLog(":memory:", durable=False)).run()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
