"""Scenarios ship inside the wheel, so an installed firedrill (not only a checkout) has its library."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chaos.loader import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_every_scenario_and_playbook(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip()[:200]}")
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("firedrill-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"scenarios/{p.name}" for p in SCENARIO_DIR.glob("*.yaml")}
    shipped |= {f"scenarios/playbooks/{p.name}" for p in (SCENARIO_DIR / "playbooks").glob("*.yaml")}
    assert shipped and shipped <= names
