"""Broken scenarios are refused before anything runs, with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.errors import ScenarioError
from chaos.loader import SCENARIO_DIR, load_scenario

GOOD = (SCENARIO_DIR / "provider-outage.yaml").read_text()


def broken(tmp_path: Path, text: str) -> ScenarioError:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_bundled_scenario_loads() -> None:
    ids = {load_scenario(p).id for p in SCENARIO_DIR.glob("*.yaml")}
    assert len(ids) >= 12


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    err = broken(tmp_path, GOOD.replace("difficulty: easy", "difficulty: [easy"))
    assert err.file.endswith("broken.yaml") and err.line is not None and "invalid YAML" in str(err)


def test_unknown_fault_type_lists_the_known_ones(tmp_path: Path) -> None:
    text = GOOD.replace("type: outage", "type: outgae")
    err = broken(tmp_path, text)
    assert err.line == line_of(text, "fault:") and err.field == "timeline.0.fault"
    assert "unknown fault type 'outgae'" in str(err) and "outage" in str(err)


def test_out_of_range_values_name_the_field(tmp_path: Path) -> None:
    text = GOOD.replace("fraction: 1.0", "fraction: 1.7")
    err = broken(tmp_path, text)
    assert err.field == "ground_truth.fraction" and err.line == line_of(text, "fraction: 1.7")
    text = GOOD.replace("status: 503", "status: 504")
    assert "503" in str(broken(tmp_path, text))


def test_missing_ground_truth(tmp_path: Path) -> None:
    text = GOOD.split("ground_truth:")[0] + "targets: {contain_min: 10}\n"
    err = broken(tmp_path, text)
    assert err.field == "ground_truth" and "missing" in str(err)


def test_a_typo_in_a_key_is_an_error_not_ignored(tmp_path: Path) -> None:
    text = GOOD.replace("seed: 91", "sed: 91")
    err = broken(tmp_path, text)
    assert err.field == "sed" and err.line == line_of(text, "sed: 91")


def test_dangling_change_id(tmp_path: Path) -> None:
    text = GOOD.replace("  fraction: 1.0", "  fraction: 1.0\n  change_id: CHG-404")
    err = broken(tmp_path, text)
    assert err.field == "ground_truth.change_id" and "CHG-404" in str(err)


def test_unknown_action_in_ground_truth(tmp_path: Path) -> None:
    err = broken(tmp_path, GOOD.replace("mitigations: [fallback:backup-model", "mitigations: [pray"))
    assert "unknown action 'pray'" in str(err)


def test_cli_validate_exits_2_with_the_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chaos.cli import main

    path = tmp_path / "x.yaml"
    path.write_text(GOOD.replace("type: outage", "type: nope"))
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(path)])
    assert exc.value.code == 2
    assert f"{path}:" in capsys.readouterr().err


def test_a_row_that_contradicts_its_symptom_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("  row: errors-exceptions", "  row: latency-spike")
    err = broken(tmp_path, text)
    assert err.field == "ground_truth.row" and "for symptom 'latency', not 'errors'" in str(err)
    assert err.line == line_of(text, "row: latency-spike")


def test_a_cause_the_row_does_not_list_is_refused(tmp_path: Path) -> None:
    err = broken(tmp_path, GOOD.replace("  cause: provider", "  cause: prompt"))
    assert err.field == "ground_truth.cause" and "likely causes" in str(err)


def test_unknown_models_and_topics_in_containment_lists_are_refused(tmp_path: Path) -> None:
    err = broken(tmp_path, GOOD.replace("fallback:unavailable]", "fallback:unavailable, topic-disable:billing]"))
    assert err.field == "ground_truth.containment.3" and "unknown topic 'billing'" in str(err) and "pricing" in str(err)
    err = broken(tmp_path, GOOD.replace("model-use:fd-small]", "model-use:fd-smal]"))
    assert err.field == "ground_truth.mitigations.1" and "unknown model 'fd-smal'" in str(err)


def test_a_snapshot_a_fault_rolls_out_is_a_known_model() -> None:
    assert "model-use:fd-large-2026-09-01" in load_scenario("schema-mismatch").ground_truth.mitigations
