"""The garbage collector tuned while a simulated drill runs as fast as it can, and restored after.

Why: a simulated hour is some 70,000 requests of short-lived objects (bodies, parsed JSON, answers)
on top of a world that lives as long as the drill (knowledge base, index, catalogue, the modules
themselves). CPython's collector runs a young collection every 700 net allocations and, every
hundred of those, walks everything again, the long-lived world included: about a tenth of a
simulated drill's CPU went there. Freezing what exists when the run starts takes it out of every
collection, and a larger young threshold makes collections rarer; both are process-wide, so they
are undone when the run leaves (an error included). Runs that overlap (drills in threads, tests)
share one tuning: the first in saves the collector's state and the last out restores it. A
process that had frozen objects itself keeps its own freeze: then nothing is frozen or unfrozen.

Nothing a drill computes depends on when the collector runs, so the journal is the same with or
without it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # net allocations between young collections (CPython's default: 700)

_lock = threading.Lock()
_depth = 0
_saved: tuple[tuple[int, int, int], bool] | None = None  # thresholds, whether we froze


@contextmanager
def simulation_gc() -> Iterator[None]:
    """Collect rarely and leave the long-lived objects out of every collection, inside the block."""
    _enter()
    try:
        yield
    finally:
        _leave()


def _enter() -> None:
    global _depth, _saved
    with _lock:
        _depth += 1
        if _depth > 1:
            return
        thresholds = gc.get_threshold()
        froze = gc.isenabled() and gc.get_freeze_count() == 0
        _saved = (thresholds, froze)
        if froze:
            gc.freeze()
        gc.set_threshold(max(YOUNG_THRESHOLD, thresholds[0]), *thresholds[1:])


def _leave() -> None:
    global _depth, _saved
    with _lock:
        _depth -= 1
        if _depth > 0 or _saved is None:
            return
        thresholds, froze = _saved
        _saved = None
        gc.set_threshold(*thresholds)
        if froze:
            gc.unfreeze()
