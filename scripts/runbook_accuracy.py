"""Runbook accuracy: how often the bundled runbook playbook names the right decision-tree row.

Why: the runbook playbook must diagnose from what on-call sees, on scenarios it was not tuned on.
Every library scenario (or the ones named) is simulated with seeds 0-9 (``--seeds N`` for fewer
or more); the row is read from the playbook's latest declaration in the journal (symptom and
cause → row, ``chaos.taxonomy.row_for``) and compared with the scenario's ground truth. Prints
the scenario × seed matrix, each scenario's figure and the overall one. Goal: ≥ 90%.

Run: ``.venv/bin/python scripts/runbook_accuracy.py [--seeds 10] [--responder runbook] [SCENARIO ...]``
"""

from __future__ import annotations

import argparse
from collections import Counter

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.loader import SCENARIO_DIR, load_scenario
from chaos.playbook import load_playbook
from chaos.summary import drill_summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario ids or files (default: the whole library)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--responder", default="runbook", help="playbook name or file (default runbook)")
    args = parser.parse_args()
    chosen = [load_scenario(s) for s in (args.scenarios or sorted(SCENARIO_DIR.glob("*.yaml")))]
    playbook = load_playbook(args.responder)
    seeds = list(range(args.seeds))
    console = Console()
    results: dict[str, list[tuple[bool, str | None]]] = {}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("simulating", total=len(chosen) * len(seeds))
        for scenario in chosen:
            for seed in seeds:
                progress.update(task, description=f"{scenario.id} seed {seed}")
                log = EventLog(":memory:", durable=False)
                drill = Drill(scenario, log=log, seed=seed, responder=playbook.responder())
                row = drill_summary(log, drill.run(), scenario)["row"]
                results.setdefault(scenario.id, []).append((row["right"], row["declared"]))
                progress.advance(task)
    table = Table("scenario", "true row", *[str(s) for s in seeds], "right", "named instead",
                  title=f"runbook accuracy — responder {playbook.name}, seeds 0-{seeds[-1]}")
    total = right = 0
    for scenario in chosen:
        outcomes = results[scenario.id]
        hits = sum(ok for ok, _ in outcomes)
        wrong = Counter(named or "nothing" for ok, named in outcomes if not ok)
        table.add_row(scenario.id, scenario.ground_truth.row.value,
                      *["[green]✔[/green]" if ok else "[red]✘[/red]" for ok, _ in outcomes],
                      f"{hits}/{len(outcomes)}", ", ".join(f"{r} ×{n}" for r, n in wrong.most_common()))
        total += len(outcomes)
        right += hits
    console.print(table)
    console.print(f"right row on {right}/{total} (scenario, seed) pairs: [bold]{right / total:.1%}[/bold]")


if __name__ == "__main__":
    main()
