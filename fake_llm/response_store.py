"""Stored Responses (``store: true``, the default) for ``GET /v1/responses/{id}``, bounded by bytes.

The oldest are forgotten first once the total passes ``max_bytes``, so a long soak cannot grow the
server's memory through it; a forgotten id answers 404 as an expired one does on the real API.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseStore:
    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, response_id: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(response_id, None)
            self._bytes += len(body) - (len(old) if old else 0)
            self._items[response_id] = body
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def get(self, response_id: str) -> bytes | None:
        with self._lock:
            return self._items.get(response_id)

    @property
    def size_bytes(self) -> int:
        return self._bytes
