"""Deterministic text embeddings: hashed words and character trigrams, L2-normalised.

Texts that share words share coordinates, so they are closer than unrelated texts; the same text
always gives the same vector. Enough for a retriever and for clients that only need shapes.
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct

from fake_llm.context import terms


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
    return h % dim, 1.0 if (h >> 63) & 1 else -1.0


def embed(text: str, dim: int = 256) -> list[float]:
    vec = [0.0] * dim
    for word in terms(text) or text.lower().split():
        i, sign = _bucket("w:" + word, dim)
        vec[i] += 2.0 * sign
        padded = f" {word} "
        for j in range(len(padded) - 2):
            i, sign = _bucket("g:" + padded[j:j + 3], dim)
            vec[i] += 0.5 * sign
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def embed_for(text: str, native_dim: int, dimensions: int | None = None) -> list[float]:
    """The model's vector, shortened to ``dimensions`` as text-embedding-3 does: the leading
    coordinates of the full vector, normalised again (so a shorter vector ranks like the long one)."""
    vec = embed(text, native_dim)
    if dimensions is None or dimensions >= native_dim:
        return vec
    head = vec[:dimensions]
    norm = math.sqrt(sum(v * v for v in head)) or 1.0
    return [v / norm for v in head]


def to_base64(vec: list[float]) -> str:
    """Little-endian float32, as the OpenAI SDK decodes it."""
    return base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
