"""`firedrill --help` lists commands from the source; that listing equals what click builds."""

from __future__ import annotations

import subprocess
import sys

from chaos.cli import cli
from chaos.cli.manifest import command_manifest, read_module


def test_the_manifest_matches_the_commands_click_registers() -> None:
    cli.load_all()  # type: ignore[attr-defined]
    manifest = command_manifest()
    assert set(manifest) == set(cli.commands)
    for name, command in cli.commands.items():
        entry = manifest[name]
        assert entry.hidden == command.hidden, name
        assert entry.get_short_help_str(80) == command.get_short_help_str(80), name


def test_the_manifest_reads_names_help_and_multi_line_signatures() -> None:
    source = '''
@cli.command("go-fast", short_help="Quick.")
@click.option("--x")
def go(x: str,
       y: int) -> None:
    """Ignored because short_help wins."""


@cli.group(hidden=True)
def secret_group() -> None:
    """Hidden things.

    More text.
    """
'''
    first, second = read_module("demo", source)
    assert (first.name, first.short_help, first.module) == ("go-fast", "Quick.", "demo")
    assert (second.name, second.hidden, second.help) == ("secret", True, "Hidden things.\n\nMore text.")


def test_help_does_not_import_the_command_modules() -> None:
    code = ("import sys; from chaos.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('chaos.cli.', 'chaos.drill', 'fake_llm'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['chaos.cli.manifest']"
