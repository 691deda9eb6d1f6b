"""Runbook accuracy: how often the bundled runbook playbook names the right decision-tree row.

Why: the runbook playbook must diagnose from what on-call sees, on scenarios it was not tuned on.
Every library scenario (or the ones named) is simulated with seeds 0-9 (``--seeds N`` for fewer
or more); the row is read from the playbook's standing declaration (the scorecard's, through
``chaos.summary.drill_summary``: symptom and cause → row) and compared with the scenario's ground
truth. Prints the scenario × seed matrix, each scenario's figure, the misses with what the runbook
wrote down, and the overall figure. Goal: ≥ 90%.

Pairs run in a process pool (``--workers``, 2 by default: the machine has two cores). Each result
is cached on disk under ``$FIREDRILL_HOME/runbook-accuracy/`` keyed by a hash of the scenario as
drilled, the seed, the playbook and the source of the code that decides the outcome (``chaos``,
``fake_llm``, ``scorecards``), so a re-run after editing one scenario re-simulates only that one,
and any code change re-simulates everything. ``--no-cache`` ignores it.

Run: ``.venv/bin/python scripts/runbook_accuracy.py [--seeds 10] [--workers 2] [--responder runbook]
[--no-cache] [--json FILE] [SCENARIO ...]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from chaos.baseline import scenario_hash  # noqa: E402
from chaos.loader import SCENARIO_DIR, load_scenario  # noqa: E402
from chaos.playbook import load_playbook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE_VERSION = "1"


def code_hash() -> str:
    """A hash of every source file that can change a drill's outcome or how it is read."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    for package in ("chaos", "fake_llm", "scorecards", "scenarios"):
        for f in sorted((ROOT / package).rglob("*.py")):
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(os.environ.get("FIREDRILL_HOME", ".firedrill")) / "runbook-accuracy"


def run_pair(scenario_path: str, seed: int, responder: str) -> dict[str, Any]:
    """One (scenario, seed) drill with the playbook as responder: the row it named and what it wrote."""
    from chaos.drill import Drill
    from chaos.eventlog import EventLog
    from chaos.events import EventKind
    from chaos.summary import drill_summary

    scenario = load_scenario(scenario_path)
    playbook = load_playbook(responder)
    start = time.perf_counter()
    log = EventLog(":memory:", durable=False)
    drill_id = Drill(scenario, log=log, seed=seed, responder=playbook.responder()).run()
    row = drill_summary(log, drill_id, scenario)["row"]
    notes = [f"{e.t_s / 60:.1f} {e.data.get('text', '')}" for e in log.events(drill_id)
             if e.kind is EventKind.NOTE and e.actor == "playbook" and "runbook row" in str(e.data.get("text", ""))]
    return {"scenario": scenario.id, "seed": seed, "right": row["right"], "declared": row["declared"],
            "truth": row["truth"], "notes": notes, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario ids or files (default: the whole library)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--responder", default="runbook", help="playbook name or file (default runbook)")
    parser.add_argument("--no-cache", action="store_true", help="simulate every pair again")
    parser.add_argument("--json", type=Path, help="also write every pair's result to this file")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the runbook's notes for each miss")
    args = parser.parse_args()
    paths = [str(p) for p in (args.scenarios or sorted(SCENARIO_DIR.glob("*.yaml")))]
    chosen = [load_scenario(p) for p in paths]
    playbook = load_playbook(args.responder)
    seeds = list(range(args.seeds))
    console = Console()
    code = code_hash()
    play = hashlib.sha256(playbook.model_dump_json().encode()).hexdigest()[:12]
    folder = cache_dir()

    def key(scenario_index: int, seed: int) -> Path:
        s = chosen[scenario_index]
        return folder / f"{s.id}-{scenario_hash(s)}-{seed}-{play}-{code}.json"

    results: dict[tuple[str, int], dict[str, Any]] = {}
    todo: list[tuple[int, int]] = []
    for i, _s in enumerate(chosen):
        for seed in seeds:
            path = key(i, seed)
            if not args.no_cache and path.exists():
                try:
                    results[(chosen[i].id, seed)] = json.loads(path.read_text())
                    continue
                except ValueError:
                    pass  # a damaged entry is simulated again
            todo.append((i, seed))
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress, \
            ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        task = progress.add_task(f"simulating ({len(results)} cached)", total=len(todo))
        pending: dict[Future[dict[str, Any]], tuple[int, int]] = {
            pool.submit(run_pair, paths[i], seed, args.responder): (i, seed) for i, seed in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i, seed = pending.pop(future)
                result = future.result()
                results[(chosen[i].id, seed)] = result
                path = key(i, seed)
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(result))
                tmp.replace(path)
                mark = "[green]✔[/green]" if result["right"] else f"[red]✘ {result['declared']}[/red]"
                progress.console.print(f"{result['scenario']} seed {seed}: {mark} ({result['seconds']} s)")
                progress.advance(task)
    table = Table("scenario", "true row", *[str(s) for s in seeds], "right", "named instead",
                  title=f"runbook accuracy — responder {playbook.name}, seeds 0-{seeds[-1]}")
    total = right = 0
    misses: list[dict[str, Any]] = []
    for scenario in chosen:
        outcomes = [results[(scenario.id, seed)] for seed in seeds]
        hits = sum(o["right"] for o in outcomes)
        wrong = Counter(o["declared"] or "nothing" for o in outcomes if not o["right"])
        misses += [o for o in outcomes if not o["right"]]
        table.add_row(scenario.id, scenario.ground_truth.row.value,
                      *["[green]✔[/green]" if o["right"] else "[red]✘[/red]" for o in outcomes],
                      f"{hits}/{len(outcomes)}", ", ".join(f"{r} ×{n}" for r, n in wrong.most_common()))
        total += len(outcomes)
        right += hits
    console.print(table)
    if args.verbose:
        for o in misses:
            console.print(f"[red]{o['scenario']} seed {o['seed']}[/red] named {o['declared']} (truth {o['truth']})")
            for note in o["notes"]:
                console.print(f"   {note}", markup=False)
    console.print(f"right row on {right}/{total} (scenario, seed) pairs: [bold]{right / total:.1%}[/bold] "
                  f"({len(todo)} simulated in {time.perf_counter() - started:.0f} s, {total - len(todo)} cached)")
    if args.json:
        args.json.write_text(json.dumps([results[(s.id, seed)] for s in chosen for seed in seeds], indent=1))


if __name__ == "__main__":
    main()
