"""``firedrill proxy``: drill your real app against your real provider, with faults in between."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from chaos.cli import cli
from chaos.engine import FaultEngine
from chaos.faultfile import load_fault_file
from chaos.proxy import NOT_IN_PROXY, Guardrails, Proxy, create_proxy_app
from fake_llm.server.runner import listen_socket, serve


@cli.command()
@click.option("--upstream", required=True, help="The real provider, e.g. https://api.openai.com")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, help="0 picks a free port.")
@click.option("--faults", "faults_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-requests", type=click.IntRange(1), help="Clear every fault after this many requests.")
@click.option("--max-tokens", type=click.IntRange(1), help="Clear every fault after this many upstream tokens.")
@click.option("--max-error-rate", type=click.FloatRange(0, 1), help="Clear every fault above this error rate.")
@click.option("--min-requests", default=20, show_default=True, help="Requests before the error-rate ceiling applies.")
@click.option("--dry-run", is_flag=True, help="Log what would be injected; inject nothing.")
@click.option("--seed", default=0, show_default=True)
def proxy(
    upstream: str,
    host: str,
    port: int,
    faults_file: Path | None,
    max_requests: int | None,
    max_tokens: int | None,
    max_error_rate: float | None,
    min_requests: int,
    dry_run: bool,
    seed: int,
) -> None:
    """Forward OpenAI/Anthropic traffic to UPSTREAM and inject faults on the way."""
    engine = FaultEngine(seed=seed)
    for spec in load_fault_file(faults_file, seed=seed) if faults_file else []:
        fault = engine.start(spec)
        if fault.stage in NOT_IN_PROXY:
            click.secho(
                f"note: {fault.id} ({fault.type}) edits the simulated model's reply and is not applied in proxy mode",
                fg="yellow",
                err=True,
            )
    guard = Guardrails(max_requests, max_tokens, max_error_rate, min_requests)
    token = os.environ.get("FIREDRILL_ADMIN_TOKEN") or secrets.token_urlsafe(18)
    app = create_proxy_app(Proxy(upstream, engine, guard=guard, dry_run=dry_run), admin_token=token)
    sock = listen_socket(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    click.echo(f"firedrill proxy on {url} -> {upstream}{' (DRY RUN: nothing is injected)' if dry_run else ''}")
    click.echo(f"  export OPENAI_BASE_URL={url}/v1   ANTHROPIC_BASE_URL={url}")
    click.echo(f"  faults: firedrill fault add TYPE --url {url} --token {token}")
    serve(app, sock)
