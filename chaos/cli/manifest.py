"""Which module defines which top-level command, and its help, read from the source without importing it.

``firedrill --help`` lists every command; importing every command module to do so took half a
second (the drill engine, the server, faker). A regular-expression pass over the few command
modules takes a millisecond. ``tests/chaos/test_cli_manifest.py`` holds this reading equal to
what click builds when the modules are imported, so the two cannot drift apart.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click

_DECORATED = re.compile(
    r"^@cli\.(?P<kind>command|group)\((?P<args>[^)]*)\)\s*\n(?P<between>(?:.*\n)*?)"
    r"def (?P<func>\w+)\((?:.|\n)*?\)\s*(?:->\s*[^:\n]+)?:\n(?:[ \t]+r?\"\"\"(?P<doc>(?:.|\n)*?)\"\"\")?",
    re.MULTILINE,
)
_NAME = re.compile(r"^\s*(?:name\s*=\s*)?[\"']([\w-]+)[\"']")
_KWARG = re.compile(r"(help|short_help)\s*=\s*[\"']((?:[^\"'\\]|\\.)*)[\"']")


@dataclass(frozen=True)
class CommandEntry:
    """What ``--help`` shows of one command, and the module to import to run it."""

    name: str
    module: str
    help: str
    short_help: str | None = None
    hidden: bool = False

    def get_short_help_str(self, limit: int) -> str:
        if self.short_help:
            return inspect.cleandoc(self.short_help)
        return click.utils.make_default_short_help(self.help, limit) if self.help else ""  # type: ignore[operator]


def _command_name(func: str) -> str:
    """click's default: lower case, ``_`` to ``-``, and a ``_command``/``_cmd``/``_group``/``_grp`` suffix dropped."""
    name = func.lower()
    for suffix in ("_command", "_cmd", "_group", "_grp"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
            break
    return name.replace("_", "-")


def read_module(module: str, source: str) -> list[CommandEntry]:
    entries = []
    for match in _DECORATED.finditer(source):
        args = match["args"]
        named = _NAME.match(args)
        kwargs = dict(_KWARG.findall(args))
        entries.append(CommandEntry(
            name=named.group(1) if named else _command_name(match["func"]),
            module=module,
            help=inspect.cleandoc(kwargs.get("help") or match["doc"] or ""),
            short_help=kwargs.get("short_help"),
            hidden=re.search(r"hidden\s*=\s*True", args) is not None,
        ))
    return entries


@cache
def command_manifest() -> dict[str, CommandEntry]:
    """Top-level command name → its entry, for every module of ``chaos.cli``."""
    here = Path(__file__).parent
    manifest: dict[str, CommandEntry] = {}
    for path in sorted(here.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "manifest":
            continue
        for entry in read_module(path.stem, path.read_text(encoding="utf-8")):
            manifest[entry.name] = entry
    return manifest
