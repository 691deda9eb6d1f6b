"""A random stream seeded when it is first drawn from.

A request's stream is seeded from its text (the same request, the same answers), and seeding the
Mersenne Twister (``random.Random(text)``: a SHA-512, then 624 words of state) cost a tenth of a
distinct request. Most requests never draw: a model that always picks the best context sentence
has nothing to choose. A draw whose value cannot matter is owed instead (``skip``) and made first
once the stream is seeded, so every later draw is the one an eagerly seeded stream gives.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, cast


class LazyRandom:
    """``random.Random(seed())``, made on the first draw; every ``random.Random`` method works."""

    __slots__ = ("_seed", "_rng", "_owed")

    def __init__(self, seed: Callable[[], str]) -> None:
        self._seed = seed
        self._rng: random.Random | None = None
        self._owed = 0

    @property
    def seeded(self) -> bool:
        return self._rng is not None

    def stream(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self._seed())
            for _ in range(self._owed):
                self._rng.random()
        return self._rng

    def skip(self) -> None:
        """One ``random()`` whose value does not matter: owed until the stream is seeded."""
        if self._rng is None:
            self._owed += 1
        else:
            self._rng.random()

    def __getattr__(self, name: str) -> Any:  # only what the slots are not: the stream's methods
        return getattr(self.stream(), name)


def lazy(seed: Callable[[], str]) -> random.Random:
    """A ``LazyRandom`` where a ``random.Random`` is expected (it answers every method one has)."""
    return cast(random.Random, LazyRandom(seed))


def skip(rng: random.Random) -> None:
    """Draw one ``random()`` whose value does not matter (owed, when ``rng`` is lazy and unseeded)."""
    if isinstance(rng, LazyRandom):
        rng.skip()
    else:
        rng.random()
