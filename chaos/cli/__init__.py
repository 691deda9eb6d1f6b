"""The ``firedrill`` command. Each module of this package registers one family of sub-commands."""

from __future__ import annotations

import sys

import click

from chaos.errors import FiredrillError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="firedrill")
def cli() -> None:
    """Rehearse LLM production incidents before they happen."""


def _register() -> None:
    # one import per command family; each module adds its commands to ``cli``
    from chaos.cli import console, fault, live, proxy, room, scenarios, score, serve  # noqa: F401


def main(argv: list[str] | None = None) -> None:
    """Entry point: every FiredrillError becomes one clear line and its exit code, no traceback."""
    _register()
    try:
        cli.main(args=argv, prog_name="firedrill", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FiredrillError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
