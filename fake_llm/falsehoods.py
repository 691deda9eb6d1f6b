"""Plausible falsehoods: the same sentence with other facts of the same kind in it.

A hallucination that says "70am to 10pm" is caught by anyone; a real one says "8am to 6pm" when
the truth is "9am to 5pm". Each kind of fact in a sentence (clock times, prices, percentages,
counts, sizes) is replaced by another value of its kind that a reader would believe, never by the
true one, so wrong answers look right and only checking them against the source shows the error.
"""

from __future__ import annotations

import random
import re

_TIME = re.compile(r"\b(1[0-2]|[1-9])(?::([0-5]\d))?\s?(am|pm)\b", re.IGNORECASE)
_MONEY = re.compile(r"\$(\d+(?:\.\d\d)?)")
_PERCENT = re.compile(r"\b(\d{1,3})%")
_NUMBER = re.compile(r"(?<![\w$.:])(\d+)(?![\w%:]|\.\d)")
NICE = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 15, 16, 20, 21, 24, 25, 30, 40, 45, 50, 60, 75, 90, 100, 120, 150,
        200, 250, 300, 500, 750, 1000, 2000, 5000)


def _other_hour(hour: int, meridiem: str, rng: random.Random) -> int:
    """Another believable opening or closing hour on the same side of noon."""
    choices = [h for h in ((6, 7, 8, 9, 10, 11) if meridiem.lower() == "am" else (1, 2, 3, 4, 5, 6, 7, 8, 9))
               if h != hour and abs(h - hour) <= 3]
    return rng.choice(choices or [hour % 12 + 1])


def _other_number(n: int, rng: random.Random) -> int:
    """A value of the same order of magnitude that people use for such things (14 → 21, 50 → 25)."""
    near = [v for v in NICE if v != n and n / 3 <= v <= n * 3] or [n + rng.randint(1, 3)]
    return rng.choice(near)


def _other_price(text: str, rng: random.Random) -> str:
    value = float(text)
    factor = rng.choice((0.5, 0.6, 0.75, 0.8, 1.2, 1.25, 1.5, 2.0))
    new = max(1.0, round(value * factor))
    if new == value:
        new += 10
    return f"{new:.2f}" if "." in text else str(int(new))


def falsify(text: str, rng: random.Random) -> str:
    """``text`` with each fact swapped for a believable other value of its kind (at least one changed)."""
    out = _TIME.sub(lambda m: f"{_other_hour(int(m[1]), m[3], rng)}{':' + m[2] if m[2] else ''}{m[3]}", text)
    out = _MONEY.sub(lambda m: "$" + _other_price(m[1], rng), out)
    out = _PERCENT.sub(lambda m: f"{min(100, _other_number(int(m[1]), rng))}%", out)
    return _NUMBER.sub(lambda m: str(_other_number(int(m[1]), rng)), out)
