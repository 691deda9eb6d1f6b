"""The scoring matrix: every bundled scenario × responders of known quality × seeds, with figures.

Why: the score must rank teams by how well they handled the incident and must not be gamed. The
responders are the test tree's playbooks of known quality (tests/playbooks), filled from each
scenario's ground truth; correct responders also write the post-mortem's eval case (verified
drill-side), the junk-evals gamer writes cases that catch nothing. Checks, per scenario and seed
(tests/playbooks/ranking.py): excellent > slow > red-herring chaser; every gamer ≤ 50; idle = 0;
excellent ≥ 80; the excellent responder's eval case verifies; junk cases verify never and gain
nothing. Prints one row per scenario and seed, then the checks' tally (the README's table is this
output). The suite (tests/scorecards/test_ranking.py) runs the same rows at each scenario's own
seed; this script adds the other seeds.

Run: ``.venv/bin/python scripts/score_matrix.py [--seeds 3] [--workers 2] [--scenario ID ...]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402

from chaos.loader import SCENARIO_DIR, load_scenario  # noqa: E402
from tests.playbooks.oracle import QUALITIES  # noqa: E402
from tests.playbooks.ranking import checks, drill_row  # noqa: E402

COLUMNS = ("idle", *QUALITIES)


def _row(path: str, seed: int) -> tuple[str, int, dict[str, float], list[str], float]:
    start = time.perf_counter()
    row = drill_row(load_scenario(Path(path)), seed)
    return row.scenario_id, seed, row.scores, checks(row), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3, help="seeds per scenario: its own, then +1000, +2000 …")
    parser.add_argument("--workers", type=int, default=2, help="processes (each drills one scenario × seed)")
    parser.add_argument("--scenario", action="append", help="only these scenarios (repeatable)")
    args = parser.parse_args()
    paths = [p for p in sorted(SCENARIO_DIR.glob("*.yaml")) if not args.scenario or p.stem in args.scenario]
    if args.scenario and len(paths) != len(set(args.scenario)):
        raise SystemExit(f"unknown scenario(s): {sorted(set(args.scenario) - {p.stem for p in paths})}")
    jobs = [(str(p), load_scenario(p).seed + 1000 * k) for p in paths for k in range(args.seeds)]
    console = Console(stderr=True)
    results: dict[tuple[str, int], tuple[str, int, dict[str, float], list[str], float]] = {}
    start = time.perf_counter()
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)
    with progress, ProcessPoolExecutor(max_workers=args.workers) as pool:
        task = progress.add_task("scoring matrix", total=len(jobs))
        futures = {pool.submit(_row, path, seed): (path, seed) for path, seed in jobs}
        for fut in as_completed(futures):
            r = fut.result()
            results[futures[fut]] = r
            progress.update(task, advance=1, description=f"{r[0]} seed {r[1]}: {'ok' if not r[3] else 'FAIL'}")
            progress.console.print(f"{r[0]} seed {r[1]} ({r[4]:.0f} s): "
                                   + " ".join(f"{c} {r[2][c]:.1f}" for c in COLUMNS) + "; " + ("; ".join(r[3]) or "ok"))
    wall = time.perf_counter() - start
    print(f"{'scenario':28} {'seed':>5} " + " ".join(f"{c[:12]:>12}" for c in COLUMNS) + "  checks")
    failures: list[str] = []
    totals: dict[str, list[float]] = {c: [] for c in COLUMNS}
    for job in jobs:
        sid, seed, scores, bad, _t = results[job]
        failures += [f"{sid} seed {seed}: {b}" for b in bad]
        for c in COLUMNS:
            totals[c].append(scores[c])
        print(f"{sid:28} {seed:>5} " + " ".join(f"{scores[c]:>12.1f}" for c in COLUMNS) + "  "
              + ("ok" if not bad else f"{len(bad)} failed"))
    print(f"{'mean':34} " + " ".join(f"{statistics.fmean(totals[c]):>12.1f}" for c in COLUMNS))
    print(f"{'min':34} " + " ".join(f"{min(totals[c]):>12.1f}" for c in COLUMNS))
    print(f"{'max':34} " + " ".join(f"{max(totals[c]):>12.1f}" for c in COLUMNS))
    runs = len(jobs)
    failed_rows = len({f.split(':')[0] for f in failures})
    print(f"\n{runs} scenario × seed rows ({len(paths)} scenarios × {args.seeds} seeds), "
          f"{runs * len(COLUMNS)} drills, {wall:.0f} s with {args.workers} workers; "
          f"rows with a failed check: {failed_rows}; checks failed: {len(failures)}")
    for f in failures:
        print("  FAIL", f)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
