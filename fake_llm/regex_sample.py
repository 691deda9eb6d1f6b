"""A short string that matches a regular expression: for JSON Schema ``pattern`` constraints.

Walks the parsed pattern (``re._parser``) and takes the smallest choice at each node: the minimum
repeat count, the first branch, the first character of a class. Bounded by ``MAX_LEN``.
"""

from __future__ import annotations

import random
import re
from typing import Any

try:  # Python 3.11+
    import re._constants as _c  # type: ignore[import-not-found]
    import re._parser as _p  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_LEN = 256
_CATEGORY = {_c.CATEGORY_DIGIT: "7", _c.CATEGORY_WORD: "a", _c.CATEGORY_SPACE: " ",
             _c.CATEGORY_NOT_DIGIT: "a", _c.CATEGORY_NOT_WORD: "-", _c.CATEGORY_NOT_SPACE: "a"}


def sample(pattern: str, rng: random.Random) -> str | None:
    """A string ``re.search(pattern, s)`` accepts, or None when the pattern is beyond this walker."""
    try:
        parsed = _p.parse(pattern)
        out = _walk(list(parsed), rng, {})
    except (re.error, RecursionError, ValueError, TypeError, KeyError, IndexError, OverflowError):
        return None
    text = "".join(out)[:MAX_LEN]
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def _walk(items: list[Any], rng: random.Random, groups: dict[int, str]) -> list[str]:
    out: list[str] = []
    for op, arg in items:
        if sum(len(s) for s in out) > MAX_LEN:
            break
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is _c.ANY:
            out.append("a")
        elif op is _c.IN:
            out.append(_class(arg))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, body = arg
            for _ in range(min(low, MAX_LEN)):
                out.extend(_walk(list(body), rng, groups))
        elif op is _c.SUBPATTERN:
            group, _add, _del, body = arg
            piece = "".join(_walk(list(body), rng, groups))
            if group:
                groups[group] = piece
            out.append(piece)
        elif op is _c.BRANCH:
            out.extend(_walk(list(arg[1][0]), rng, groups))
        elif op is _c.GROUPREF:
            out.append(groups.get(arg, ""))
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"unsupported regex node {op}")
    return out


def _class(items: list[Any]) -> str:
    negate = bool(items) and items[0][0] is _c.NEGATE
    if negate:
        banned = set()
        for op, arg in items[1:]:
            if op is _c.LITERAL:
                banned.add(chr(arg))
            elif op is _c.RANGE:
                banned.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 256) + 1))
        return next(ch for ch in "aZ0_ -x" if ch not in banned)
    op, arg = items[0]
    if op is _c.LITERAL:
        return chr(arg)
    if op is _c.RANGE:
        return chr(arg[0])
    if op is _c.CATEGORY:
        return _CATEGORY.get(arg, "a")
    raise ValueError("unsupported class")
