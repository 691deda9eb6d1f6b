"""Playbooks are validated like scenarios: bundled ones load, a bad step names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.errors import ScenarioError
from chaos.playbook import load_playbook


def test_bundled_playbooks_load_by_name() -> None:
    steps = [step for rule in load_playbook("runbook").rules for step in rule.do]
    assert {"ack", "contain", "diagnose", "mitigate", "restore"} <= {s for s in steps if isinstance(s, str)}
    assert load_playbook("idle").rules == []


def test_an_unknown_step_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nrules:\n  - when: {paged: true}\n    do: [pray]\n")
    with pytest.raises(ScenarioError) as exc:
        load_playbook(path)
    assert exc.value.line == 4 and "unknown step 'pray'" in str(exc.value)  # the `do:` line


def test_an_unknown_condition_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nrules:\n  - when: {panic: true}\n    do: [ack]\n")
    with pytest.raises(ScenarioError) as exc:
        load_playbook(path)
    assert exc.value.field == "rules.0.when.panic"
