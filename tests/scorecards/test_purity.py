"""The scorer is a pure function of the journal: importing it loads no simulation, server or drill."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("simpy", "starlette", "uvicorn", "chaos.drill", "chaos.engine", "fake_llm.world.world",
             "fake_llm.provider")
ALLOWED_CHAOS = {"chaos.events", "chaos.scenario", "chaos.taxonomy"}  # the event and scenario model


def test_importing_scorecards_loads_no_simulation_server_or_drill() -> None:
    code = ("import sys, scorecards, scorecards.score, scorecards.stages, scorecards.harm, scorecards.evals, "
            "scorecards.assertions, scorecards.postmortem\n"
            f"bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r}))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import scorecards loaded {out}"


def test_scorecards_imports_only_the_event_and_scenario_model_and_itself() -> None:
    root = Path(__file__).resolve().parents[2] / "scorecards"
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith(("chaos", "fake_llm")):
                    assert name in ALLOWED_CHAOS, f"{path.name} imports {name}"
