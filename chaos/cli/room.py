"""The incident room from a terminal: ``firedrill join``, ``role`` and the shared ``timeline``."""

from __future__ import annotations

import time

import click
from rich.console import Console
from rich.table import Table

from chaos.cli import cli
from chaos.cli.remote import call, server_options
from chaos.roster import Role

POLL_S = 2.0


@cli.command()
@click.option("--name", required=True, help="Your name, as the team's timeline will show it.")
@click.option("--role", "role_name", required=True, type=click.Choice([r.value for r in Role]),
              help="Your incident role (commander = incident commander).")
@server_options
def join(name: str, role_name: str, url: str, token: str) -> None:
    """Join the drill with the team's join code; prints your personal token."""
    result = call("POST", url, "/drill/join", token, {"name": name, "role": role_name})
    click.echo(f"{result['name']} joined as {Role(result['role']).title}. Your personal token (keep it to yourself):")
    click.echo(f"  export FIREDRILL_TOKEN={result['token']}")


@cli.command()
@click.argument("name", type=click.Choice([r.value for r in Role]))
@server_options
def role(name: str, url: str, token: str) -> None:
    """Change your role in the incident (you joined with one)."""
    result = call("POST", url, "/drill/role", token, {"role": name})
    click.echo(f"{result['actor']} is now {Role(result['role']).title}")


@cli.command()
@click.option("--follow", is_flag=True, help="Keep printing new entries until the drill ends (or Ctrl-C).")
@server_options
def timeline(follow: bool, url: str, token: str) -> None:
    """The shared incident timeline: page, alerts, changes, actions, declarations, notes, roles, by person."""
    console = Console()
    since, roles = 0, _roles(url, token)
    while True:
        page = call("GET", url, f"/drill/timeline?since={since}", token)
        if page["entries"]:
            roles = _roles(url, token)
            console.print(_table(page["entries"], roles))
        since = page["next_since"]
        if not follow or page["ended"]:
            return
        try:
            time.sleep(POLL_S)
        except KeyboardInterrupt:
            return


def _roles(url: str, token: str) -> dict[str, str]:
    return {m["name"]: m["title"] for m in call("GET", url, "/drill/roster", token)["members"]}


STYLE = {"page": "bold red", "alert_fired": "red", "alert_resolved": "green", "action": "cyan",
         "declaration": "magenta", "drill_paused": "bold yellow", "drill_ended": "bold", "hint": "yellow"}


def _table(entries: list[dict[str, str]], roles: dict[str, str]) -> Table:
    table = Table("time", "who", "what", box=None, show_header=False, pad_edge=False)
    for e in entries:
        who = e["actor"]
        if who in roles:
            who = f"{who} ({roles[who]})"
        table.add_row(e["time"], who, e["text"], style=STYLE.get(e["kind"]))
    return table
