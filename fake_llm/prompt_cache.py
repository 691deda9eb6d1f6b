"""Prompt caching as the providers bill it: a repeated prompt prefix is read from cache.

OpenAI caches automatically: once a prompt of at least 1,024 tokens has been seen, a later prompt
with the same prefix reads it back in steps of 128 tokens (``cached_tokens``; the first time it is
written, ``cache_write_tokens``). Anthropic caches only up to a ``cache_control`` breakpoint the
caller marks (``cache_creation_input_tokens`` the first time, ``cache_read_input_tokens`` after).
The memory of prefixes is a bounded LRU of digests, so it cannot grow with traffic.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

MIN_CACHED_TOKENS = 1024
OPENAI_STEP = 128


@dataclass(frozen=True)
class CacheUse:
    read_tokens: int = 0
    write_tokens: int = 0


NO_CACHE = CacheUse()


class PromptCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self.max_entries = max_entries
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def use(self, namespace: str, prefix: str, prefix_tokens: int, *, step: int = 1) -> CacheUse:
        """Read the prefix if it was seen before, else write it; nothing below the minimum size."""
        tokens = prefix_tokens // step * step
        if tokens < MIN_CACHED_TOKENS:
            return NO_CACHE
        key = hashlib.blake2b(f"{namespace}\x00{prefix}".encode(errors="replace"), digest_size=16).digest()
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return CacheUse(read_tokens=tokens)
            self._seen[key] = None
            if len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)
        return CacheUse(write_tokens=tokens)
