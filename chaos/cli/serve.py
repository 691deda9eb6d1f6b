"""``firedrill serve``: the fake LLM provider on loopback, with faults controllable at run time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from starlette.applications import Starlette

from chaos.cli import cli
from fake_llm import Provider, create_app
from fake_llm.server.runner import listen_socket
from fake_llm.server.runner import serve as serve_app


def build_provider_app(*, seed: int, latency_scale: float, admin_token: str,
                       faults_file: Path | None = None, models_file: Path | None = None) -> Starlette:
    """The provider with the fault engine plugged into its stages and the admin API beside it.

    models_file: a model catalogue (YAML) over the shipped one; None reads $FIREDRILL_MODELS if set.
    """
    from chaos.admin import admin_routes
    from chaos.engine import FaultEngine
    from chaos.faultfile import load_fault_file
    from fake_llm.catalog import Catalog

    engine = FaultEngine(seed=seed)
    provider = Provider(catalog=Catalog.from_file(models_file), hooks=engine, seed=seed)
    engine.bind(provider)
    if faults_file is not None:
        for spec in load_fault_file(faults_file, seed=seed):
            engine.start(spec)
    app = create_app(provider=provider, latency_scale=latency_scale,
                     extra_routes=admin_routes(engine, admin_token))
    app.state.engine = engine
    return app


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, help="TCP port; 0 picks a free one and prints it.")
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option("--latency-scale", default=1.0, show_default=True,
              help="Multiplies simulated latency: 0 answers at once, 1 is real time.")
@click.option("--faults", "faults_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML list of faults with start/stop offsets, loaded at start.")
@click.option("--models", "models_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML model catalogue over the shipped one (also $FIREDRILL_MODELS).")
def serve(host: str, port: int, seed: int, latency_scale: float, faults_file: Path | None,
          models_file: Path | None) -> None:
    """Start the fake LLM provider (OpenAI and Anthropic wire formats)."""
    from fake_llm.errors import CatalogError

    token = os.environ.get("FIREDRILL_ADMIN_TOKEN") or secrets.token_urlsafe(18)
    try:
        app = build_provider_app(seed=seed, latency_scale=latency_scale, admin_token=token, faults_file=faults_file,
                                 models_file=models_file)
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from None
    sock = listen_socket(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: listening on {host}, reachable from other machines", fg="yellow", err=True)
    click.echo(f"firedrill provider listening on {url}")
    click.echo("Point a client at it:")
    click.echo(f"  export OPENAI_BASE_URL={url}/v1 OPENAI_API_KEY=sk-firedrill")
    click.echo(f"  export ANTHROPIC_BASE_URL={url} ANTHROPIC_API_KEY=sk-firedrill")
    click.echo("Control faults (facilitator only):")
    click.echo(f"  export FIREDRILL_URL={url} FIREDRILL_TOKEN={token}")
    click.echo("  firedrill fault add rate_limit --fraction 0.3")
    serve_app(app, sock)
