"""``firedrill fault …``: add, list, remove and clear faults on a running server."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from chaos.cli import cli
from chaos.cli.remote import call, facilitator_options, parse_pairs


@cli.group()
def fault() -> None:
    """Inject and remove faults on a running provider or drill (facilitator token)."""


@fault.command("add")
@click.argument("fault_type")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the fault type.")
@click.option("--id", "fault_id", help="Name for the fault (default: TYPE-N).")
@click.option("--fraction", type=click.FloatRange(0, 1), help="Share of matching requests to hit.")
@click.option("--first-n", type=click.IntRange(0), help="Hit the first N matching requests, then pass.")
@click.option("--match-model", "models", multiple=True, help="Only requests for this model or alias.")
@click.option("--match-flavour", "flavours", multiple=True, type=click.Choice(["openai", "anthropic", "assistant"]))
@click.option("--match-route", "routes", multiple=True, help="Only requests whose path starts with this.")
@click.option("--match-header", "headers", multiple=True, metavar="NAME=VALUE", help="Only requests with this header.")
@click.option("--match-keyword", "keywords", multiple=True, help="Only requests whose user text contains this.")
@click.option("--match-topic", "topics", multiple=True, help="Only requests on this topic (drill world).")
@click.option("--match-segment", "segments", multiple=True, help="Only requests from this user segment.")
@click.option("--start-s", type=float, help="Start this many seconds from now.")
@click.option("--stop-s", type=float, help="Stop this many seconds from now.")
@facilitator_options
def add(fault_type: str, params: tuple[str, ...], fault_id: str | None, fraction: float | None,
        first_n: int | None, models: tuple[str, ...], flavours: tuple[str, ...], routes: tuple[str, ...],
        headers: tuple[str, ...], keywords: tuple[str, ...], topics: tuple[str, ...], segments: tuple[str, ...],
        start_s: float | None, stop_s: float | None, url: str, token: str) -> None:
    """Add a fault, e.g. `firedrill fault add schema_error --param kind=truncated_stream --fraction 1`."""
    target: dict[str, Any] = {k: list(v) for k, v in {
        "models": models, "flavours": flavours, "routes": routes, "keywords": keywords, "topics": topics,
        "segments": segments}.items() if v}
    if headers:
        target["headers"] = {k: str(v) for k, v in parse_pairs(headers, "--match-header").items()}
    if fraction is not None:
        target["fraction"] = fraction
    if first_n is not None:
        target["first_n"] = first_n
    body: dict[str, Any] = {"type": fault_type, "params": parse_pairs(params, "--param"), "target": target}
    body.update({k: v for k, v in {"id": fault_id, "start_s": start_s, "stop_s": stop_s}.items() if v is not None})
    created = call("POST", url, "/admin/faults", token, body)
    click.echo(f"added {created['id']} ({created['type']}, stage {created['stage']})")


@fault.command("list")
@facilitator_options
def list_faults(url: str, token: str) -> None:
    """List the faults on the server."""
    faults = call("GET", url, "/admin/faults", token)["faults"]
    table = Table("id", "type", "stage", "params", "target", "hits", title=f"{len(faults)} fault(s)")
    for f in faults:
        table.add_row(f["id"], f["type"], f["stage"], _kv(f["params"]), _kv(f["target"]) or "all", str(f["hits"]))
    Console().print(table)


@fault.command("rm")
@click.argument("fault_id")
@facilitator_options
def rm(fault_id: str, url: str, token: str) -> None:
    """Remove one fault."""
    call("DELETE", url, f"/admin/faults/{fault_id}", token)
    click.echo(f"removed {fault_id}")


@fault.command("clear")
@facilitator_options
def clear(url: str, token: str) -> None:
    """Remove every fault."""
    removed = call("POST", url, "/admin/reset", token)["removed"]
    click.echo(f"cleared {len(removed)} fault(s)")


@fault.command("types")
def types() -> None:
    """List the fault types firedrill knows, with their parameters (no server needed)."""
    from chaos.faults.registry import FAULT_TYPES

    table = Table("type", "stage", "parameters", "what it does")
    for name, cls in sorted(FAULT_TYPES.items()):
        params = cls.Params.model_json_schema().get("properties", {})
        table.add_row(name, cls.stage.value, ", ".join(params), cls.description)
    Console().print(table)


def _kv(d: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in d.items())
