"""The ``firedrill`` command. Each module of this package registers one family of sub-commands.

A command's module is imported only when that command runs: ``firedrill --help`` and
``firedrill fault list`` do not pay for the drill engine, the server or the SDK-facing code.
``--help`` reads command names and help from the modules' source (``chaos.cli.manifest``).
"""

from __future__ import annotations

import importlib
import sys

import click

from chaos.cli.manifest import CommandEntry, command_manifest
from chaos.errors import FiredrillError


class LazyGroup(click.Group):
    """A group whose commands register themselves when their module is imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(command_manifest()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = command_manifest().get(cmd_name)
        if cmd_name not in self.commands and entry is not None:
            importlib.import_module(f"chaos.cli.{entry.module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list without importing any command module."""
        manifest = command_manifest()
        rows: list[tuple[str, CommandEntry | click.Command]] = []
        for name in self.list_commands(ctx):
            described = self.commands.get(name) or manifest[name]
            if not described.hidden:
                rows.append((name, described))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])

    def load_all(self) -> None:
        for entry in command_manifest().values():
            importlib.import_module(f"chaos.cli.{entry.module}")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="firedrill")
def cli() -> None:
    """Rehearse LLM production incidents before they happen."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: every FiredrillError becomes one clear line and its exit code, no traceback."""
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
