"""How long ``firedrill --help`` takes to start, against the bare interpreter measured in the same run.

Why: every responder command (``firedrill status``, ``traces``, ``declare``) is a new process; an
incident room types dozens of them. Goal: ``firedrill --help`` < 150 ms. Baselines: ``python -c
pass`` (the interpreter's own start, which no CLI can beat) and ``python -c "import click"``
(the CLI library alone). Uses hyperfine (Debian package) when installed, otherwise a loop of
subprocess runs.

Run: ``.venv/bin/python benchmarks/cli_startup.py [--runs 30]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_MS = 150.0


def commands() -> dict[str, list[str]]:
    firedrill = Path(sys.executable).with_name("firedrill")
    cli = [str(firedrill)] if firedrill.exists() else [sys.executable, "-m", "chaos"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "firedrill --help": [*cli, "--help"],
        "firedrill status --help": [*cli, "status", "--help"],
    }


def with_hyperfine(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """(mean ms, stddev ms) per command."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "hf.json")
        argv = ["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", str(out), "--style", "none"]
        for name, cmd in cmds.items():
            argv += ["-n", name, " ".join(_quote(c) for c in cmd)]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = json.loads(out.read_text())["results"]
    return {r["command"]: (r["mean"] * 1000, r["stddev"] * 1000) for r in results}


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'" if any(c in arg for c in " '\"") else arg


def with_loop(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    out = {}
    for name, cmd in cmds.items():
        for _ in range(3):
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times.append((time.perf_counter() - t) * 1000)
        out[name] = (statistics.mean(times), statistics.stdev(times))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    cmds = commands()
    tool = "hyperfine" if shutil.which("hyperfine") else "subprocess loop"
    results = with_hyperfine(cmds, args.runs) if tool == "hyperfine" else with_loop(cmds, args.runs)
    print(f"CLI start, {args.runs} runs each ({tool})")
    base = results["python -c pass"][0]
    print(f"  {'command':28s}{'mean ms':>10s}{'± ms':>8s}{'x python':>10s}")
    for name, (mean, sd) in results.items():
        print(f"  {name:28s}{mean:10.1f}{sd:8.1f}{mean / base:10.2f}")
    ours = results["firedrill --help"][0]
    print(f"firedrill --help: {ours:.0f} ms, {ours - base:.0f} ms over the bare interpreter "
          f"(goal < {GOAL_MS:.0f} ms: {'goal met' if ours < GOAL_MS else 'BELOW GOAL'})")


if __name__ == "__main__":
    main()
