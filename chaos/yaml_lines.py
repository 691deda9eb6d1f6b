"""Safe YAML that remembers where each mapping and list started, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):  # type: ignore[type-arg]
    line: int = 0


class LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that returns LineDict/LineList (1-based lines). Never builds objects."""


def _mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    out = LineDict(loader.construct_mapping(node, deep=True))
    out.line = node.start_mark.line + 1
    out.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return out


def _sequence(loader: LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_sequence(node, deep=True))
    out.line = node.start_mark.line + 1
    return out


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def line_of(node: Any, path: tuple[Any, ...] = ()) -> int | None:
    """The line of the deepest node along ``path`` that is known (a key's own line when it has one)."""
    best = getattr(node, "line", None)
    for step in path:
        if isinstance(node, LineDict) and str(step) in node:
            best = node.key_lines.get(str(step), best)
            node = node[str(step)]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            best = getattr(node, "line", best)
        else:
            break
    return best
