#!/usr/bin/env python3
"""The README's two commands, needing nothing but python3.

    python3 dev.py drill [ARGS...]   set up .venv if needed, then run a drill (firedrill run ARGS)
    python3 dev.py test  [ARGS...]   set up .venv if needed, then lint (ruff, mypy) and run the whole test suite

Set-up is re-done only when pyproject.toml changes, so the second run starts at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _say(msg: str) -> None:
    print(f"[firedrill] {msg}", file=sys.stderr, flush=True)


def ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        _say("creating .venv (first run only)")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing firedrill and its test tools into .venv (first run only, ~1 min)")
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs before anything is installed
        print(f"firedrill needs Python 3.11 or newer; this is {sys.version.split()[0]}. "
              "Run dev.py with a newer python3 (for example python3.11 dev.py test).", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"drill", "test", "serve", "bench", "setup"}:
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    ensure_venv()
    os.chdir(ROOT)
    if cmd == "setup":
        return 0
    if cmd == "drill":
        return subprocess.call([str(BIN / "firedrill"), "run", *rest])
    if cmd == "serve":
        return subprocess.call([str(BIN / "firedrill"), "serve", *rest])
    if cmd == "bench":
        for script in sorted((ROOT / "benchmarks").glob("*.py")):
            if script.name.startswith("_"):
                continue  # a helper the benchmarks share, not a benchmark
            _say(f"benchmark {script.name}")
            if rc := subprocess.call([str(BIN / "python"), str(script), *rest]):
                return rc
        return 0
    if rc := subprocess.call([str(BIN / "ruff"), "check", "."]):
        return rc
    if rc := subprocess.call([str(BIN / "mypy")]):  # packages and flags in pyproject.toml [tool.mypy]
        return rc
    # worksteal: an idle worker takes queued tests from a busy one, so no long test ends the run alone
    return subprocess.call([str(BIN / "python"), "-m", "pytest", "-n", "2", "--dist", "worksteal", *rest])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C: the child got it too and said what it stopped; no traceback here
        sys.exit(130)
