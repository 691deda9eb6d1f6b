"""Regex scans of long texts in slices, so no single C call holds the interpreter for long.

``re`` keeps the GIL for a whole ``findall``: over a 3.9 MB prompt one call took 90 ms, and a
request answered in a worker thread still froze the event loop for that long. Cut at whitespace
into slices of ``SLICE_CHARS``, each call is well under a millisecond and the interpreter can
switch threads between them. Only for patterns whose matches never contain whitespace: then the
matches are exactly those of one scan over the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

SLICE_CHARS = 16_384


def slices(text: str, size: int = SLICE_CHARS) -> Iterator[str]:
    """``text`` in consecutive pieces of at most about ``size`` characters, cut before whitespace."""
    n = len(text)
    start = 0
    while n - start > size:
        end = start + size
        cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end), text.rfind("\t", start, end))
        if cut <= start:
            cut = end  # one giant word: cut it anyway rather than scan it whole
        yield text[start:cut]
        start = cut
    yield text[start:]


def findall(pattern: re.Pattern[str], text: str) -> list[str]:
    """``pattern.findall(text)`` for a pattern that never matches whitespace, slice by slice."""
    if len(text) <= SLICE_CHARS:
        return pattern.findall(text)
    out: list[str] = []
    for piece in slices(text):
        out.extend(pattern.findall(piece))
    return out


def count(pattern: re.Pattern[str], text: str) -> int:
    """``len(pattern.findall(text))``, slice by slice."""
    if len(text) <= SLICE_CHARS:
        return len(pattern.findall(text))
    return sum(len(pattern.findall(piece)) for piece in slices(text))
