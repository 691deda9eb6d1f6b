"""The responder console: join, look, act, declare — everything on-call can do during a live drill.

Every command is a small HTTP client of the drill's control API. The team's join code lets you
look; ``firedrill join`` trades it for a personal token, and everything done with that token is
attributed to the name it was issued for.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

import click
from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

from chaos.cli import cli
from chaos.cli.remote import call, server_options
from chaos.cli.trace_table import trace_table
from chaos.clock import clock_label
from chaos.errors import ConnectError
from chaos.taxonomy import Cause, FallbackMode, Symptom

SPARKS = "▁▂▃▄▅▆▇█"


def _post(url: str, token: str, path: str, body: dict[str, Any]) -> Any:
    return call("POST", url, path, token, body)


def sparkline(values: list[float | None]) -> str:
    nums = [v for v in values if v is not None]
    if not nums:
        return ""
    low, high = min(nums), max(nums)
    span = (high - low) or 1.0
    return "".join(" " if v is None else SPARKS[int((v - low) / span * (len(SPARKS) - 1))] for v in values)


def dashboard(status: dict[str, Any]) -> Group:
    m = status["metrics"] or {}
    s = status["series"]
    metrics = Table("metric", "now", "trend", box=None, title=f"drill {status['drill_id']} — {status['time']}")
    rows = [("requests/s", "request_rate", "{:.1f}"), ("error rate", "error_rate", "{:.1%}"),
            ("latency p99 ms", "p99_ms", "{:.0f}"), ("quality (judge)", "quality", "{:.0%}"),
            ("quality 5 min", "quality_5m", "{:.0%}"),
            ("refusal rate", "refusal_rate", "{:.1%}"), ("cost $/min", "cost_per_min", "{:.3f}"),
            ("context tokens", "avg_context_tokens", "{:.0f}"), ("output tokens", "avg_output_tokens", "{:.0f}"),
            ("cost $/request", "cost_per_request", "{:.5f}")]
    for label, key, fmt in rows:
        value = m.get(key)
        metrics.add_row(label, "-" if value is None else fmt.format(value), sparkline(s.get(key, [])))
    alerts = Table("alert", "since", "value", "threshold", box=None, title="firing alerts")
    for a in status["alerts"]:
        alerts.add_row(f"[red]{a['alert']}[/red]", a["since"], a["value_shown"], a["threshold_shown"])
    changes = Table("id", "time", "kind", "summary", box=None, title="recent changes")
    for c in status["changes"]:
        changes.add_row(c["id"], c["time"], c["kind"], c["summary"])
    ctl = status["controls"]
    provider = status.get("provider_status") or {}
    controls = (f"provider status: {provider.get('description', '?')}"
                f"{''.join(f' · {i}' for i in provider.get('incidents', []))}\n"
                f"feature {'on' if ctl['feature_on'] else '[red]off[/red]'} · fallback {ctl['fallback']} · "
                f"model {ctl['model']} · prompt {ctl['prompt']} · disclaimer {'on' if ctl['disclaimer'] else 'off'}"
                f" · disabled topics {', '.join(ctl['disabled_topics']) or 'none'} · index built {ctl['index_built']}")
    state = "ENDED" if status["ended"] else ("PAUSED" if status["paused"] else "running")
    parts: list[Any] = []
    if state != "running":
        says = ("the drill has ended: nothing you do now counts. The debrief: firedrill score, or the web console"
                if state == "ENDED" else "the facilitator paused the drill: the clock is stopped")
        parts.append(Panel(f"[bold]{state}[/bold]: {says}", style="bold white on red" if state == "ENDED"
                           else "bold black on yellow"))
    if status.get("briefing"):
        b = status["briefing"]
        parts.append(Panel(b["page"] + "".join(f"\n • {r}" for r in b.get("reports", [])), title="PAGE",
                           border_style="red"))
    return Group(*parts, Panel(controls, title=f"{status['scenario']} [{state}]"), metrics, alerts, changes)


@cli.command()
@click.option("--watch", is_flag=True, help="Keep refreshing until Ctrl-C.")
@server_options
def status(watch: bool, url: str, token: str) -> None:
    """The live dashboard: the page, metrics with sparklines, firing alerts, recent changes; PAUSED/ENDED."""
    console = Console()
    if not watch:
        console.print(dashboard(call("GET", url, "/drill/status", token)))
        return
    current = call("GET", url, "/drill/status", token)
    with Live(dashboard(current), console=console, refresh_per_second=1) as live:
        try:
            while current.get("state") != "ended":
                time.sleep(2)
                try:
                    current = call("GET", url, "/drill/status", token)
                except ConnectError:
                    current = {**current, "state": "ended", "ended": True}  # the runner stops its server at the end
                live.update(dashboard(current))
        except KeyboardInterrupt:
            return
    console.print(f"drill {current['drill_id']} ended")


@cli.group()
def provider() -> None:
    """The model provider as the public sees it: its status page."""


@provider.command("status")
@server_options
def provider_status(url: str, token: str) -> None:
    """The provider's status page: components and incidents (posted late, or not at all, as real ones are)."""
    page = call("GET", url, "/drill/provider-status", token)
    console = Console()
    console.print(f"[bold]{page['page']}[/bold] — {page['description']}")
    components = Table("component", "state", box=None)
    for name, state in page["components"].items():
        components.add_row(name, state if state == "operational" else f"[yellow]{state}[/yellow]")
    console.print(components)
    for incident in page["incidents"]:
        lines = "\n".join(f"{u['time']} [bold]{u['status']}[/bold] {u['message']}" for u in incident["updates"])
        console.print(Panel(lines, title=f"{incident['title']} ({incident['status']})"))
    if not page["incidents"]:
        console.print("no incidents posted")


@cli.command()
@click.option("--failing", is_flag=True, help="Only errors, refusals and answers the judge failed.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--model", help="Only this model (name, alias or dated version).")
@click.option("--prompt", help="Only this prompt version, e.g. v2.")
@click.option("--topic", help="Only this topic.")
@click.option("--segment", help="Only this user segment.")
@server_options
def traces(failing: bool, limit: int, model: str | None, prompt: str | None, topic: str | None,
           segment: str | None, url: str, token: str) -> None:
    """Recent request traces, newest first."""
    query = urlencode({"failing": str(failing).lower(), "limit": limit, **{k: v for k, v in
                       {"model": model, "prompt": prompt, "topic": topic, "segment": segment}.items() if v}})
    result = call("GET", url, f"/drill/traces?{query}", token)["traces"]
    console = Console()
    table, left_out = trace_table(result, console.width)
    console.print(table)
    if left_out and result:
        console.print(f"[dim]left out at this width: {', '.join(left_out)} (a wider terminal shows them; "
                      "`firedrill trace ID` shows everything)[/dim]")


def _print_trace(t: dict[str, Any]) -> None:
    console = Console()
    console.print(Panel(f"[bold]{t['question']}[/bold]\n→ {t['answer']}", title=f"{t['trace_id']} {t['time']} "
                        f"{t['status']} judge={t['judge']}"))
    attrs = Table("attribute", "value", box=None)
    for k, v in t["attributes"].items():
        attrs.add_row(k, str(v))
    console.print(attrs)
    for span in t.get("spans", []):
        if span["name"] == "retrieval":
            chunks = Table("chunk", "document", "doc date (indexed)", "text", title="retrieval span", box=None)
            for c in span["attributes"]["firedrill.chunks"]:
                chunks.add_row(c["id"], c["doc"], c["doc_updated"], c["text"][:80])
            console.print(chunks)
    if t.get("documents"):
        docs = Table("document", "current version", "updated", title="source documents now", box=None)
        for d, info in t["documents"].items():
            docs.add_row(d, str(info["version"]), info["updated"])
        console.print(docs)


@cli.command()
@click.argument("trace_id")
@server_options
def trace(trace_id: str, url: str, token: str) -> None:
    """One trace: retrieved chunks and their dates, prompt and model versions."""
    _print_trace(call("GET", url, f"/drill/traces/{trace_id}", token))


def _duration_s(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smh])", text.strip())
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 30m, 2h or 90s", param_hint="--since")
    return float(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2]]


@cli.command()
@click.option("--since", default=None, help="Only changes in the last 30m, 2h, 90s …")
@server_options
def changes(since: str | None, url: str, token: str) -> None:
    """The change log: prompt deploys, model versions, index refreshes, config and traffic changes."""
    query = "" if since is None else f"?since_s={_duration_s(since)}"
    table = Table("id", "time", "kind", "author", "summary")
    for c in call("GET", url, f"/drill/changes{query}", token)["changes"]:
        table.add_row(c["id"], c["time"], c["kind"], c["author"], c["summary"])
    Console().print(table)


@cli.command()
@click.argument("trace_id")
@click.option("--prompt", help="Prompt version to use, e.g. v1.")
@click.option("--model", help="Model or alias to use, e.g. fd-small.")
@server_options
def replay(trace_id: str, prompt: str | None, model: str | None, url: str, token: str) -> None:
    """Reproduce one request by hand with other settings."""
    _print_trace(_post(url, token, "/drill/replay", {"trace_id": trace_id, "prompt": prompt, "model": model}))


def _act(action: str, arg: str | None, url: str, token: str) -> None:
    result = _post(url, token, "/drill/act", {"action": action, "arg": arg})
    click.echo(f"{result['at']} {result['message']}")


@cli.command()
@click.argument("state", type=click.Choice(["on", "off"]))
@server_options
def feature(state: str, url: str, token: str) -> None:
    """Kill switch: turn the AI feature off or back on."""
    _act(f"feature-{state}", None, url, token)


@cli.command()
@click.argument("mode", type=click.Choice([m.value for m in FallbackMode]))
@server_options
def fallback(mode: str, url: str, token: str) -> None:
    """Route to a fallback: cached answers, the backup model, 'unavailable', or off."""
    _act("fallback", mode, url, token)


@cli.group()
def prompt() -> None:
    """Prompt versions."""


@prompt.command("rollback")
@click.option("--to", "version", help="Version to roll back to (default: the previous one).")
@server_options
def prompt_rollback(version: str | None, url: str, token: str) -> None:
    """Roll the prompt back."""
    _act("prompt-rollback", version, url, token)


@cli.group()
def model() -> None:
    """Model routing."""


@model.command("use")
@click.argument("name")
@server_options
def model_use(name: str, url: str, token: str) -> None:
    """Route the feature to another model, alias or dated version."""
    _act("model-use", name, url, token)


@cli.group()
def index() -> None:
    """The retrieval index."""


@index.command("rebuild")
@server_options
def index_rebuild(url: str, token: str) -> None:
    """Rebuild the index from the current documents."""
    _act("index-rebuild", None, url, token)


@cli.command()
@click.argument("state", type=click.Choice(["disable", "enable"]))
@click.argument("name")
@server_options
def topic(state: str, name: str, url: str, token: str) -> None:
    """Disable or enable one topic (query type) of the assistant."""
    _act(f"topic-{state}", name, url, token)


@cli.command()
@click.argument("state", type=click.Choice(["on", "off"]))
@server_options
def disclaimer(state: str, url: str, token: str) -> None:
    """Add (or remove) a disclaimer on answers."""
    _act(f"disclaimer-{state}", None, url, token)


@cli.command()
@server_options
def ack(url: str, token: str) -> None:
    """Acknowledge the page."""
    _act("ack", None, url, token)


@cli.command()
@click.option("--started", metavar="HH:MM", help="When it started, on the drill clock.")
@click.option("--fraction", type=click.FloatRange(0, 1), help="Share of requests affected.")
@click.option("--segment", help="Affected user segment.")
@click.option("--symptom", type=click.Choice([s.value for s in Symptom]))
@click.option("--cause", type=click.Choice([c.value for c in Cause]))
@click.option("--change", "change_id", help="The change-log id responsible.")
@click.option("--topic", "topics", multiple=True, help="Affected topic (repeatable).")
@server_options
def declare(started: str | None, fraction: float | None, segment: str | None, symptom: str | None,
            cause: str | None, change_id: str | None, topics: tuple[str, ...], url: str, token: str) -> None:
    """Declare what you believe is going on (any subset; the latest declaration stands)."""
    body = {k: v for k, v in {"started": started, "fraction": fraction, "segment": segment, "symptom": symptom,
                              "cause": cause, "change_id": change_id, "topics": list(topics) or None}.items()
            if v is not None}
    if not body:
        raise click.UsageError("declare at least one of --started, --fraction, --segment, --symptom, --cause, "
                               "--change, --topic")
    result = _post(url, token, "/drill/declare", body)
    click.echo(f"{result['at']} declared: {_declared(result['declared'])}")


def _declared(fields: dict[str, Any]) -> str:
    """``started 14:10, symptom wrong-answers, change CHG-102``: what the journal now says the team believes."""
    parts = []
    for key, value in fields.items():
        if key == "started_s":
            parts.append(f"started {clock_label(float(value))}")
        elif key == "fraction":
            parts.append(f"fraction {float(value):.0%}")
        else:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            parts.append(f"{key.removesuffix('_id')} {shown}")
    return ", ".join(parts)


@cli.command()
@click.argument("text")
@server_options
def note(text: str, url: str, token: str) -> None:
    """Add a scribe entry to the incident timeline."""
    result = _post(url, token, "/drill/note", {"text": text})
    click.echo(f"{result['at']} noted")


@cli.command()
@server_options
def hint(url: str, token: str) -> None:
    """The next hint of the scenario (it costs points)."""
    result = _post(url, token, "/drill/hint", {})
    click.echo(result["message"] if result["hint"] is None else f"hint (-{result['cost']:g} points): {result['hint']}")
