"""``firedrill scenarios | validate | simulate``: the library, its checks, and drills as fast as possible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from chaos.cli import cli
from chaos.drill import Drill
from chaos.eventlog import EventLog
from chaos.loader import SCENARIO_DIR, load_scenario, read_yaml
from chaos.playbook import load_playbook
from chaos.scenario import Scenario
from chaos.summary import drill_summary


@cli.command()
def scenarios() -> None:
    """List the scenario library (never the answers)."""
    table = Table("id", "title", "difficulty", "duration", title="firedrill scenarios")
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        s = load_scenario(path)
        table.add_row(s.id, s.title, s.difficulty.value, f"{s.duration_min:g} min")
    Console().print(table)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario (or playbook) files; errors say file, line and field."""
    for f in files:
        doc = read_yaml(f)
        if isinstance(doc, dict) and "rules" in doc and "ground_truth" not in doc:
            p = load_playbook(f)
            click.echo(f"{f}: ok (playbook {p.name}, {len(p.rules)} rules)")
            continue
        s = load_scenario(f)
        click.echo(f"{f}: ok ({s.id}, {len(s.timeline)} timeline items)")


def _simulate(
    scenario: Scenario, playbook_path: str, *, log: EventLog, seed: int | None
) -> tuple[Drill, dict[str, Any]]:
    playbook = load_playbook(playbook_path)
    drill = Drill(scenario, log=log, mode="simulated", seed=seed, responder=playbook.responder())
    drill.run()
    return drill, drill_summary(log, drill.id, scenario)


@cli.command()
@click.argument("scenario", required=False)
@click.option(
    "--responder",
    "playbook",
    default="runbook",
    show_default=True,
    help="Playbook YAML (or a bundled name: runbook, idle) that plays on-call.",
)
@click.option("--all", "run_all", is_flag=True, help="Simulate every scenario of the library.")
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per drill on stdout.")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    help="Journal directory or file (default $FIREDRILL_HOME/drills/, one file per drill).",
)
def simulate(
    scenario: str | None, playbook: str, run_all: bool, seed: int | None, as_json: bool, db: Path | None
) -> None:
    """Run drills as fast as possible with a scripted responder, and score them."""
    if not scenario and not run_all:
        raise click.UsageError("name a SCENARIO or pass --all")
    paths = sorted(SCENARIO_DIR.glob("*.yaml")) if run_all else [scenario]
    chosen = [load_scenario(p) for p in paths]  # type: ignore[arg-type]
    load_playbook(playbook)  # fail before any drill runs
    log = EventLog(db, durable=False) if db else EventLog()
    rows = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=as_json or not console.is_terminal) as progress:
        task = progress.add_task("simulating", total=len(chosen))
        for s in chosen:
            progress.update(task, description=f"simulating {s.id}")
            drill, summary = _simulate(s, playbook, log=log, seed=seed)
            rows.append(summary)
            if as_json:
                click.echo(json.dumps(summary, sort_keys=True))
            progress.advance(task)
    if not as_json:
        _matrix(rows, playbook)


def _matrix(rows: list[dict[str, Any]], playbook: str) -> None:
    # the drill id names the scenario and is what `firedrill score` takes: it is never cut
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  title=f"responder: {playbook} (stage times: minutes after the page)")
    table.add_column("drill", no_wrap=True)
    for header in ("contained", "characterised", "mitigated"):
        table.add_column(header, no_wrap=True)
    table.add_column("bad answers", justify="right")
    table.add_column("score", justify="right")
    for r in rows:
        st = r["stages"]
        card = r.get("scorecard") or {}
        table.add_row(
            r["drill_id"],
            _cell(st["contain"]),
            _cell(st["characterise"]),
            _cell(st["mitigate"]),
            str(r["blast_radius"]["bad_answers"]),
            str(card.get("overall", "-")),
        )
    Console().print(table)


def _cell(stage: dict[str, Any]) -> str:
    if stage["at_min"] is None:
        return "[red]no[/red]"
    return f"[green]yes[/green] {stage['at_min']:.1f}"
