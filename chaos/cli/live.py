"""``firedrill run | spin`` and the facilitator's ``firedrill drill …`` controls."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from typing import Any

import click
from rich.console import Console
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from chaos.cli import cli
from chaos.cli.remote import call, facilitator_options, parse_pairs
from chaos.clock import clock_label
from chaos.eventlog import EventLog
from chaos.live import LiveDrill, start_live_drill
from chaos.loader import SCENARIO_DIR, load_scenario
from chaos.scenario import Scenario

ONBOARDING = "onboarding"


def _announce(console: Console, live: LiveDrill, scenario: Scenario, *, hide_title: bool) -> None:
    title = live.drill.display_title if hide_title else f"{scenario.title} [{scenario.difficulty.value}]"
    pace = (f"speed x{live.drill.speed:g}." if hide_title else  # a spin's length would tell which one it is
            f"speed x{live.drill.speed:g}: {scenario.duration_min:g} drill minutes take "
            f"{scenario.duration_min / live.drill.speed:.1f} real minutes.")
    console.print(
        Panel.fit(
            f"[bold]firedrill[/bold] drill [cyan]{live.drill.id}[/cyan]: {title}\n"
            f"{pace} The pager will go off when it goes wrong.",
            title="drill started",
        )
    )
    # Commands and links are printed unwrapped (the terminal folds them on screen, a copy stays one line):
    # rich's wrapping put a newline inside `--role commander|…` on an 80-column terminal.
    console.print("[bold]Incident room[/bold] in a browser: share this link; each person joins with a name and a role")
    console.print(f"  [cyan]{live.room_url}[/cyan]", soft_wrap=True)
    console.print(f"[bold]Responders[/bold] join with the team's join code [cyan]{live.responder_token}[/cyan]:")
    console.print(f"  export FIREDRILL_URL={live.url} FIREDRILL_TOKEN={live.responder_token}", soft_wrap=True)
    console.print("  firedrill join --name YOUR-NAME --role commander|operations|communications|scribe", soft_wrap=True)
    console.print("  then export the personal token it prints;  firedrill status --watch  is the dashboard")
    console.print(f"  your own app can call the provider too: OPENAI_BASE_URL={live.url}/v1", soft_wrap=True)
    console.print(f"[bold]Facilitator[/bold] token (keep it secret): [yellow]{live.facilitator_token}[/yellow]")
    console.print("  firedrill drill pause|resume|end|reveal|inject --token <facilitator token>", soft_wrap=True)
    console.print("  the facilitator's room (ground truth, inject, pause, page, end):")
    console.print(f"  [yellow]{live.facilitator_url}[/yellow]", soft_wrap=True)


def _progress(live: LiveDrill) -> Text:
    status = live.drill.status()
    m = status["metrics"] or {}
    alerts = ", ".join(a["alert"] for a in status["alerts"]) or "none"
    page = "[PAGED] " if status["paged"] else ""
    return Text(
        f"{page}drill clock {clock_label(live.drill.now_s())}  requests/s {m.get('request_rate', 0):.1f}  "
        f"errors {m.get('error_rate', 0):.0%}  p99 {m.get('p99_ms', 0):.0f} ms  alerts: {alerts}"
    )


def _interrupted(console: Console, log: EventLog) -> None:
    """Say which drills were interrupted; offer to resume one, else mark them interrupted for good."""
    for record in [r for r in log.drills() if r.interrupted]:
        count, last_s = log.extent(record.id)
        console.print(f"[yellow]drill {record.id} ({record.scenario_id}) was interrupted at {clock_label(last_s)} on "
                      f"the drill clock ({count} events journaled).[/yellow] Continue it with "
                      f"[bold]firedrill run --resume {record.id}[/bold].")
        if sys.stdin.isatty() and click.confirm(f"Resume {record.id} now?", default=False):
            raise _Resume(record.id)
        log.mark_interrupted(record.id)
        console.print(f"  marked {record.id} interrupted; it is scored as far as it got "
                      f"(firedrill score {record.id})")


class _Resume(Exception):
    def __init__(self, drill_id: str) -> None:
        self.drill_id = drill_id


def _stop_on_sigterm() -> None:
    """SIGTERM (and SIGHUP) end the drill as cleanly as Ctrl-C: journal committed, drill ended."""
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)


def _run_live(
    scenario: Scenario | None,
    *,
    speed: float | None,
    seed: int | None,
    team: str | None,
    host: str,
    port: int,
    hide_title: bool,
    for_s: float | None,
    resume: str | None = None,
) -> None:
    console = Console()
    log = EventLog()
    if resume is None:
        try:
            _interrupted(console, log)
        except _Resume as chosen:
            resume = chosen.drill_id
    if resume is not None:
        scenario = log.scenario(resume)
        hide_title = resume.startswith("spin-")
        console.print(f"resuming drill {resume}: replaying its journal…")
    assert scenario is not None
    _stop_on_sigterm()
    live = start_live_drill(
        scenario,
        log=log,
        resume=resume,
        speed=speed,
        seed=seed,
        team=team,
        host=host,
        port=port,
        responder_token=os.environ.get("FIREDRILL_RESPONDER_TOKEN"),
        facilitator_token=os.environ.get("FIREDRILL_ADMIN_TOKEN"),
        masked=hide_title,
    )
    _announce(console, live, scenario, hide_title=hide_title)
    paged = False
    started = time.monotonic()

    def expired() -> bool:
        return for_s is not None and time.monotonic() - started >= for_s

    try:
        with Live(_progress(live), console=console, refresh_per_second=2, transient=True, redirect_stdout=False) as bar:
            while not live.drill.ended and not expired():
                time.sleep(0.5)
                if live.drill.paged_at is not None and not paged:
                    paged = True
                    b = scenario.briefing
                    console.print(
                        Panel(b.page + "".join(f"\n • {r}" for r in b.reports), title="PAGE", style="bold red")
                    )
                bar.update(_progress(live))
        if live.drill.ended and not expired():  # the room stays open for the debrief
            drill_id = live.drill.id
            console.print(f"drill {drill_id} ended. The server stays up for the debrief "
                          f"({live.url}/room/debrief, firedrill timeline, status); Ctrl-C stops it.\n"
                          f"  next: firedrill score {drill_id} · firedrill postmortem {drill_id} · "
                          f"firedrill eval add {drill_id} --from-trace TRACE --expect TEXT")
            while not expired():
                time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping the drill…")
    finally:
        live.stop()
    console.print(
        f"drill {live.drill.id} ended. Score it: [bold]firedrill score {live.drill.id}[/bold]   "
        f"post-mortem: firedrill postmortem {live.drill.id}"
    )


@cli.command()
@click.argument("scenario", required=False)
@click.option("--speed", type=click.FloatRange(min=0.01, max=1000), help="Drill minutes per real minute.")
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--team", help="Team name, shown in `firedrill scores`.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
@click.option("--for-s", type=float, hidden=True, help="Stop after this many real seconds (demos and tests).")
@click.option("--resume", "resume", metavar="DRILL_ID",
              help="Continue an interrupted drill: its state is rebuilt by replaying its journal.")
def run(
    scenario: str | None,
    speed: float | None,
    seed: int | None,
    team: str | None,
    host: str,
    port: int,
    for_s: float | None,
    resume: str | None,
) -> None:
    """Start a live drill (the onboarding walkthrough when no SCENARIO is given)."""
    if resume and scenario:
        raise click.UsageError("--resume continues a drill of its own scenario: give no SCENARIO with it")
    _run_live(
        None if resume else load_scenario(scenario or ONBOARDING),
        resume=resume,
        speed=speed,
        seed=seed,
        team=team,
        host=host,
        port=port,
        hide_title=False,
        for_s=for_s,
    )


@cli.command()
@click.option("--speed", type=click.FloatRange(min=0.01, max=1000))
@click.option("--team")
@click.option("--port", default=0, show_default=True)
@click.option("--for-s", type=float, hidden=True)
def spin(speed: float | None, team: str | None, port: int, for_s: float | None) -> None:
    """Wheel of Misfortune: start a random scenario without saying which."""
    choices = sorted(p for p in SCENARIO_DIR.glob("*.yaml") if p.stem != ONBOARDING)
    scenario = load_scenario(random.SystemRandom().choice(choices))
    _run_live(scenario, speed=speed, seed=None, team=team, host="127.0.0.1", port=port, hide_title=True, for_s=for_s)


@cli.group()
def drill() -> None:
    """Facilitator controls for a live drill (facilitator token)."""


FACILITATOR_VERBS = {
    "pause": "Pause the drill clock (responders see PAUSED).",
    "resume": "Resume the drill clock where it stopped.",
    "end": "End the drill now.",
    "page": "Page the team now, by hand, with the scenario's page.",
    "reveal": "Show the ground truth (after the drill!).",
}


def _said(verb: str, r: dict[str, Any]) -> str:
    """What a facilitator control did, in the same one-line voice as the responders' commands."""
    if verb == "pause":
        return f"{r['paused_at']} drill paused: the clock is stopped for everyone (firedrill drill resume goes on)"
    if verb == "resume":
        return f"{r['resumed_at']} drill resumed: the clock runs again"
    if verb == "page":
        return f"{r['at']} the team was paged by hand with the scenario's page"
    if verb == "end":
        if "drill_id" not in r:
            return "the drill had already ended"
        return f"{r['at']} drill {r['drill_id']} ended; next: firedrill score {r['drill_id']}"
    truth = r.get("ground_truth") or {}
    width = max((len(k) for k in truth), default=0)
    lines = [f"ground truth of {r.get('scenario')} (facilitator only: do not show responders)"]
    lines += [f"  {k:<{width}}  {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in truth.items()]
    if notes := (r.get("facilitator_notes") or "").strip():
        lines += ["facilitator notes:", *(f"  {line}" for line in notes.splitlines())]
    return "\n".join(lines)


def _facilitator(verb: str, method: str = "POST") -> None:
    @drill.command(verb, help=FACILITATOR_VERBS[verb])
    @click.option("--json", "as_json", is_flag=True, help="Print the server's JSON answer (for scripts).")
    @facilitator_options
    def command(as_json: bool, url: str, token: str) -> None:
        result = call(method, url, f"/drill/{verb}", token)
        if as_json:
            click.echo(json.dumps(result, indent=2, sort_keys=True))
        else:
            click.echo(_said(verb, result))


for _verb, _method in (("pause", "POST"), ("resume", "POST"), ("end", "POST"), ("page", "POST"), ("reveal", "GET")):
    _facilitator(_verb, _method)


@drill.command("inject")
@click.argument("fault_type")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the fault type.")
@click.option("--fraction", type=click.FloatRange(0, 1), help="Share of requests to hit (default all).")
@facilitator_options
def inject(fault_type: str, params: tuple[str, ...], fraction: float | None, url: str, token: str) -> None:
    """Inject a fault into the running drill now."""
    spec = {"type": fault_type, "params": parse_pairs(params, "--param")}
    if fraction is not None:
        spec["target"] = {"fraction": fraction}
    result = call("POST", url, "/drill/inject", token, spec)
    click.echo(f"injected {result['id']} ({result['type']})")
