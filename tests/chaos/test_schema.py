"""Editor schemas: generated from the loader's own models, committed, and pointed at by every bundled file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from chaos.loader import SCENARIO_DIR, load_scenario
from chaos.schema import PLAYBOOK_SCHEMA, SCENARIO_SCHEMA, playbook_schema, render, scenario_schema

SCENARIOS = sorted(SCENARIO_DIR.glob("*.yaml"))
PLAYBOOKS = sorted((SCENARIO_DIR / "playbooks").glob("*.yaml"))


def test_the_committed_schemas_are_what_the_models_generate() -> None:
    assert SCENARIO_SCHEMA.read_text() == render(scenario_schema()), "run: firedrill scenario schema --write"
    assert PLAYBOOK_SCHEMA.read_text() == render(playbook_schema()), "run: firedrill scenario schema --write"


@pytest.mark.parametrize("path", SCENARIOS + PLAYBOOKS, ids=lambda p: p.name)
def test_every_bundled_file_names_its_schema_and_passes_it(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema_path = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema_path in (SCENARIO_SCHEMA, PLAYBOOK_SCHEMA)
    jsonschema.validate(yaml.safe_load(path.read_text()), json.loads(schema_path.read_text()))


def test_the_schema_types_fault_params_per_fault_type() -> None:
    doc = yaml.safe_load((SCENARIO_DIR / "latency-spike.yaml").read_text())
    doc["timeline"][0]["fault"]["params"]["ttft_msec"] = 100
    with pytest.raises(jsonschema.ValidationError, match="ttft_msec"):
        jsonschema.validate(doc, scenario_schema())


def test_scenario_new_writes_a_commented_skeleton_that_loads_and_plays(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "chaos", "scenario", "new", "my-drill", "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    path = tmp_path / "my-drill.yaml"
    assert "wrote" in run.stdout and path.read_text().count("#") > 20
    scenario = load_scenario(path)
    assert scenario.id == "my-drill" and scenario.ground_truth.change_id == "CHG-102"
    jsonschema.validate(yaml.safe_load(path.read_text()), scenario_schema())
    again = subprocess.run([sys.executable, "-m", "chaos", "scenario", "new", "my-drill", "--out", str(tmp_path)],
                           capture_output=True, text=True)
    assert again.returncode != 0 and "exists" in again.stderr
