"""Token counts: one piece per six letters, three digits or punctuation mark, however the text is scanned."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_llm.textscan import SLICE_CHARS
from fake_llm.tokens import count_tokens

PIECE = re.compile(r"[A-Za-z]{1,6}|\d{1,3}|[^\sA-Za-z\d]")  # the definition, scanned the slow way
ASCII_MIX = st.text(alphabet=st.sampled_from("aZq09 \t\n\r\x0b\x0c\x1c\x1f.,-_(){}\"'#\x00\x7f"), max_size=200)


@settings(max_examples=400, deadline=None)
@given(ASCII_MIX)
def test_an_ascii_text_counts_as_the_pattern_counts_it(text: str) -> None:
    assert count_tokens(text) == len(PIECE.findall(text))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_any_unicode_text_counts_as_the_pattern_counts_it(text: str) -> None:
    assert count_tokens(text) == len(PIECE.findall(text))


def test_runs_longer_than_a_piece_split_every_six_letters_and_three_digits() -> None:
    assert count_tokens("a" * 6) == 1 and count_tokens("a" * 7) == 2 and count_tokens("b" * 13) == 3
    assert count_tokens("123") == 1 and count_tokens("1234") == 2 and count_tokens("abc123!") == 3


def test_a_text_longer_than_a_slice_counts_the_same_as_one_scan() -> None:
    text = "Refunds are processed within 5 business days (SKU-1234), pro-rated. " * (3 * SLICE_CHARS // 60)
    assert len(text) > 2 * SLICE_CHARS
    assert count_tokens(text) == len(PIECE.findall(text))
