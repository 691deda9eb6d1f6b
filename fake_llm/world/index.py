"""The retrieval index: a BM25 snapshot of the knowledge base taken at build time.

A snapshot on purpose: documents that change after the build keep their old text here until the
index is rebuilt, which is exactly the "stale information: index not updated" row.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from fake_llm.context import terms

SEARCH_MEMO_ENTRIES = 4096  # distinct queries remembered; past that the memo starts again


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    text: str
    updated_at_s: float  # the document's date when the index was built


class Index:
    K1 = 1.2
    B = 0.75

    def __init__(self, chunks: list[Chunk], *, built_at_s: float, embedding_model: str = "fd-embed-1") -> None:
        self.chunks = chunks
        self.built_at_s = built_at_s
        self.embedding_model = embedding_model  # the snapshot that embedded the chunks at build time
        self._postings: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for i, chunk in enumerate(chunks):
            tf = Counter(terms(chunk.text))
            lengths.append(sum(tf.values()))
            for term, count in tf.items():
                self._postings.setdefault(term, []).append((i, count))
        n = len(chunks) or 1
        avg = (sum(lengths) / n) or 1.0
        self._norm = [self.K1 * (1 - self.B + self.B * length / avg) for length in lengths]
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()}
        self.by_id = {c.id: c for c in chunks}
        self._found: dict[tuple[str, int], tuple[int, ...]] = {}  # query, k -> positions (the index never changes)

    @classmethod
    def build(cls, rows: list[tuple[str, str, str, float]], *, built_at_s: float,
              embedding_model: str = "fd-embed-1") -> Index:
        return cls([Chunk(*row) for row in rows], built_at_s=built_at_s, embedding_model=embedding_model)

    def search(self, query: str, k: int = 4) -> list[Chunk]:
        """Top-k chunks by BM25; ties broken by position so results are deterministic.

        Memoised per query: a drill asks the same few hundred questions thousands of times, and
        the snapshot never changes (a rebuild is a new ``Index``). A fresh list each time: the
        retrieval stage's faults may edit it."""
        found = self._found.get((query, k))
        if found is None:
            found = self._search(query, k)
            if len(self._found) >= SEARCH_MEMO_ENTRIES:
                self._found.clear()
            self._found[(query, k)] = found
        return [self.chunks[i] for i in found]

    def _search(self, query: str, k: int) -> tuple[int, ...]:
        scores: dict[int, float] = {}
        for term in set(terms(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for i, tf in self._postings[term]:
                scores[i] = scores.get(i, 0.0) + idf * tf * (self.K1 + 1) / (tf + self._norm[i])
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return tuple(i for i, _ in best)
