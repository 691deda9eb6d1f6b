"""Deterministic text embeddings: hashed words and character trigrams, L2-normalised.

Texts that share words share coordinates, so they are closer than unrelated texts; the same text
always gives the same vector. Enough for a retriever and for clients that only need shapes.

What the API serves (``embed_for``) is dense, as a real model's vectors are: the hashed features
are rotated by a randomised Walsh-Hadamard transform into every coordinate and laid out in blocks,
each a signed permutation of that rotation (all orthogonal, so similarities are kept exactly); a
vector cut to ``dimensions`` is still a unit vector with no zeros in it.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import struct
from functools import lru_cache

from fake_llm.context import terms


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
    return h % dim, 1.0 if (h >> 63) & 1 else -1.0


def embed(text: str, dim: int = 256) -> list[float]:
    """The sparse feature vector: each word and trigram adds to one hashed coordinate."""
    vec = [0.0] * dim
    for word in terms(text) or text.lower().split() or [""]:  # an empty text is a vector too
        i, sign = _bucket("w:" + word, dim)
        vec[i] += 2.0 * sign
        padded = f" {word} "
        for j in range(len(padded) - 2):
            i, sign = _bucket("g:" + padded[j:j + 3], dim)
            vec[i] += 0.5 * sign
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


_BLOCK = 512  # the rotated sketch's size: a power of two; the full vector is whole blocks of it


@lru_cache(maxsize=64)
def _signs(size: int, block: int) -> tuple[float, ...]:
    """Block ``block``'s fixed random sign flips (the same in every process)."""
    rng = random.Random(f"fd-embed-signs/{size}/{block}")
    return tuple(1.0 if rng.getrandbits(1) else -1.0 for _ in range(size))


@lru_cache(maxsize=64)
def _shuffle(size: int, block: int) -> tuple[int, ...]:
    """Block ``block``'s fixed permutation of the rotated sketch (block 0 keeps its order)."""
    order = list(range(size))
    if block:
        random.Random(f"fd-embed-order/{size}/{block}").shuffle(order)
    return tuple(order)


def _hadamard(vec: list[float]) -> list[float]:
    """The Walsh-Hadamard transform of ``vec`` (length a power of two), unnormalised: log2(n)
    rounds of pairwise sums then differences, each a pair of list comprehensions."""
    for _ in range(len(vec).bit_length() - 1):
        even, odd = vec[0::2], vec[1::2]
        vec = [a + b for a, b in zip(even, odd, strict=True)] + [a - b for a, b in zip(even, odd, strict=True)]
    return vec


def embed_for(text: str, native_dim: int, dimensions: int | None = None) -> list[float]:
    """The model's dense unit vector, shortened to ``dimensions`` as text-embedding-3 does: the
    leading coordinates of the full vector, normalised again (a random projection of it, so a
    shorter vector ranks like the long one; a 1-dimensional one is [1.0] or [-1.0])."""
    size = min(_BLOCK, 1 << (max(native_dim, 1).bit_length() - 1))
    sketch = embed(text, size)
    rotated = _hadamard([v * s for v, s in zip(sketch, _signs(size, 0), strict=True)])
    want = native_dim if dimensions is None else min(dimensions, native_dim)
    full: list[float] = []
    for b in range(-(-want // size)):  # only the blocks the answer shows
        # each block an orthogonal map of the sketch: the rotation, permuted and signed again
        signs = _signs(size, b + 1)
        full.extend([rotated[i] * s for i, s in zip(_shuffle(size, b), signs, strict=True)])
    head = full[:want]
    norm = math.sqrt(sum(v * v for v in head)) or 1.0
    return [v / norm for v in head]


def to_base64(vec: list[float]) -> str:
    """Little-endian float32, as the OpenAI SDK decodes it."""
    return base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
