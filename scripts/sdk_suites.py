"""Run the official SDKs' own ``tests/api_resources`` suites against ``firedrill serve``.

Why: those tests were written by the SDKs' authors against a mock of the real API (Prism on the
OpenAPI spec); run against our provider they measure fidelity with clients nobody here wrote.
Each suite calls every endpoint of its SDK, so the figures are split into the routes firedrill
claims to serve (README) and the rest (files, batches, fine-tuning, …), which fail with a 404 in
the provider's envelope by design.

Nothing of the SDKs is vendored: give the path of a checkout and a Python that has that
checkout installed with its ``aiohttp`` extra and its test dependencies (pytest, pytest-asyncio,
pytest-xdist, respx, dirty-equals, inline-snapshot, time-machine; anthropic also http-snapshot[httpx]), e.g.

    python3 -m venv /tmp/sdk-openai && /tmp/sdk-openai/bin/pip install -e 'CHECKOUT[aiohttp]' pytest \
        pytest-asyncio pytest-xdist respx dirty-equals inline-snapshot time-machine
    .venv/bin/python scripts/sdk_suites.py --openai CHECKOUT --openai-python /tmp/sdk-openai/bin/python

Without the extra every ``[aiohttp]`` case fails on setup, not on our server (anthropic's needs
httpx-aiohttp, which plain ``aiohttp`` does not bring: 44 of its 220 claimed tests).

The server is started here (``firedrill serve --port 0 --latency-scale 0``) and each suite gets
its base URL in ``TEST_API_BASE_URL`` (OpenAI's with ``/v1``, as its real base URL has).
Prints per-file figures, the claimed-route total and every claimed-route failure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The test files of each SDK that exercise routes firedrill claims (README: what the provider serves).
CLAIMED = {
    "openai": ("tests/api_resources/chat/test_completions.py", "tests/api_resources/chat/completions/test_messages.py",
               "tests/api_resources/test_completions.py", "tests/api_resources/test_moderations.py",
               "tests/api_resources/test_embeddings.py", "tests/api_resources/test_models.py",
               "tests/api_resources/test_responses.py", "tests/api_resources/responses/test_input_tokens.py",
               "tests/api_resources/responses/test_input_items.py"),
    "anthropic": ("tests/api_resources/test_messages.py", "tests/api_resources/test_models.py",
                  "tests/api_resources/beta/test_messages.py", "tests/api_resources/beta/test_models.py"),
}


def start_server() -> tuple[subprocess.Popen[str], str]:
    """``firedrill serve`` on a free port; returns the process and its URL."""
    exe = Path(sys.executable).with_name("firedrill")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "chaos.cli"]
    proc = subprocess.Popen([*cmd, "serve", "--port", "0", "--latency-scale", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return proc, found.group(1)
    raise SystemExit(f"firedrill serve exited before listening (code {proc.wait()})")


def run_suite(name: str, checkout: Path, python: str, url: str, workers: int,
              only_claimed: bool = False) -> list[tuple[str, str, str]]:
    """(file, test, outcome) for every test of the suite's api_resources; outcome is passed,
    failed or skipped; failures carry their first error line after a tab."""
    base = url + "/v1" if name == "openai" else url
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "TEST_API_BASE_URL": base}
        targets = list(CLAIMED[name]) if only_claimed else ["tests/api_resources"]
        cmd = [python, "-m", "pytest", *targets, "-q", "-p", "no:cacheprovider", "-n", str(workers),
               f"--junitxml={report}", "-o", "junit_family=xunit1"]
        subprocess.run(cmd, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        if not report.exists():
            raise SystemExit(f"{name}: pytest wrote no report; is {checkout} installed in {python}?")
        results = []
        for case in ET.parse(report).getroot().iter("testcase"):
            file = case.get("file") or case.get("classname", "").replace(".", "/")
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            if bad is not None:
                first = (bad.get("message") or "").splitlines()[0][:220] if bad.get("message") else ""
                results.append((file, case.get("name", ""), "failed\t" + first))
            elif case.find("skipped") is not None:
                results.append((file, case.get("name", ""), "skipped"))
            else:
                results.append((file, case.get("name", ""), "passed"))
        return results


def summarise(name: str, results: list[tuple[str, str, str]]) -> None:
    claimed = CLAIMED[name]
    per_file: dict[str, Counter[str]] = {}
    for file, _, outcome in results:
        per_file.setdefault(file, Counter())[outcome.split("\t")[0]] += 1
    def total(files: list[str]) -> Counter[str]:
        out: Counter[str] = Counter()
        for f in files:
            out.update(per_file[f])
        return out
    mine = [f for f in per_file if f in claimed]
    rest = [f for f in per_file if f not in claimed]
    print(f"\n== {name}: tests/api_resources")
    for f in sorted(mine):
        c = per_file[f]
        print(f"  {f}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
    for label, files in (("claimed routes", mine), ("other routes", rest), ("all", mine + rest)):
        c = total(files)
        run = c["passed"] + c["failed"]
        share = f" ({100 * c['passed'] / run:.1f}%)" if run else ""
        print(f"  {label}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped{share}")
    failures = [(f, t, o) for f, t, o in results if f in claimed and o.startswith("failed")]
    for f, t, o in failures:
        print(f"  FAIL {f}::{t}: {o.split(chr(9), 1)[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openai", type=Path, help="an openai-python checkout")
    parser.add_argument("--openai-python", default=sys.executable, help="a Python with that checkout installed")
    parser.add_argument("--anthropic", type=Path, help="an anthropic-sdk-python checkout")
    parser.add_argument("--anthropic-python", default=sys.executable, help="a Python with that checkout installed")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers per suite")
    parser.add_argument("--claimed-only", action="store_true", help="run only the claimed routes' test files")
    args = parser.parse_args()
    if not args.openai and not args.anthropic:
        parser.error("give --openai and/or --anthropic")
    proc, url = start_server()
    try:
        for name, checkout, python in (("openai", args.openai, args.openai_python),
                                       ("anthropic", args.anthropic, args.anthropic_python)):
            if checkout:
                summarise(name, run_suite(name, checkout.resolve(), python, url, args.workers, args.claimed_only))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
