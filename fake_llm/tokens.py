"""Deterministic token counting: close enough to a BPE count to make usage and cost realistic."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from fake_llm import textscan
from fake_llm.memo import ByteBudgetLRU
from fake_llm.types import TokenLogprob

_PIECE = re.compile(r"[A-Za-z]{1,6}|\d{1,3}|[^\sA-Za-z\d]")


MEMO_MIN_CHARS = 64  # shorter texts go to a plain LRU (in C, no lock, no weighing): 0.15 us a hit, 0.7-2 a scan
SHORT_KEPT = 4096  # short texts counted (a streamed answer's pieces, its words): under 1 MB
_COUNTS: ByteBudgetLRU[str, int] = ByteBudgetLRU(2 * 1024 * 1024, max_entry_bytes=64 * 1024, entry_overhead_bytes=120,
                                                  admit_on_second=True)


def count_tokens(text: str) -> int:
    """Words split every six letters, numbers every three digits, punctuation one each.

    Memoised by bytes: a system prompt, a retrieved chunk or an answer sentence is counted on
    every request that carries it (the scan of 125 characters costs 5 us, a lookup 0.25)."""
    if len(text) < MEMO_MIN_CHARS:
        return _count_short(text)
    hit = _COUNTS.get(text)
    if hit is not None:
        return hit
    n = textscan.count(_PIECE, text)
    _COUNTS.put(text, n, len(text))
    return n


@lru_cache(maxsize=SHORT_KEPT)
def _count_short(text: str) -> int:
    """A short text's count: a streamed answer counts each of its pieces, the same words again and again."""
    return textscan.count(_PIECE, text)


def split_tokens(text: str) -> list[str]:
    """The text cut into token-sized pieces with their whitespace, for streaming deltas."""
    return re.findall(r"\s*\S+", text) or ([text] if text else [])


def logprobs_for(text: str, top: int, salt: str) -> list[TokenLogprob]:
    """Deterministic log probabilities for the pieces of ``text`` (they join back into it), each with
    ``top`` alternatives, the chosen token first and the most likely, as the OpenAI API lists them."""
    out = []
    for i, piece in enumerate(split_tokens(text)):
        h = int.from_bytes(hashlib.blake2b(f"{salt}|{i}|{piece}".encode(), digest_size=8).digest(), "big")
        chosen = -round((h % 10_000) / 10_000 * 0.9, 6)  # a confident model: p between 0.4 and 1
        alternatives = [(piece, chosen)]
        for j in range(1, top):
            variant = piece.strip().upper() if j == 1 else f"{piece.strip()}{'s' * (j - 1)}"
            alternatives.append((" " + variant if piece.startswith(" ") else variant,
                                 round(chosen - 1.5 - j * 0.8 - (h >> (j * 3) & 7) / 10, 6)))
        out.append(TokenLogprob(piece, chosen, tuple(alternatives[:top])))
    return out
