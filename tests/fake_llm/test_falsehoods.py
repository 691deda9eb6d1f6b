"""Plausible falsehoods: right format, wrong fact."""

from __future__ import annotations

import random
import re

import pytest

from fake_llm.falsehoods import falsify

SENTENCES = [
    "Support for EU customers is open from 7am to 5pm.",
    "Support for APAC customers is open from 10am to 8pm.",
    "The Nova Pro costs $49 per month.",
    "Refunds are available within 30 days of purchase.",
    "The Team plan includes up to 25 seats.",
    "The Business plan comes with 1000 GB of storage.",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_fact_changes_and_the_sentence_keeps_its_shape(sentence: str) -> None:
    for seed in range(50):
        lie = falsify(sentence, random.Random(seed))
        assert lie != sentence
        assert re.sub(r"\d+", "#", lie) == re.sub(r"\d+", "#", sentence)


def test_clock_times_stay_real_clock_times() -> None:
    for seed in range(200):
        lie = falsify("open from 7am to 5pm, and from 10am to 8pm on Saturdays", random.Random(seed))
        hours = [int(h) for h in re.findall(r"(\d+)(?:am|pm)", lie)]
        assert all(1 <= h <= 12 for h in hours), lie
        assert re.search(r"\b(6|7|8|9|10|11)am to [1-9]pm\b", lie), lie
