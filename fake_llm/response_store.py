"""Stored Responses (``store: true``, the default) for ``GET /v1/responses/{id}``, bounded by bytes.

The oldest are forgotten first once the total passes ``max_bytes``, so a long soak cannot grow the
server's memory through it; a forgotten id answers 404 as an expired one does on the real API.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from fake_llm.types import Message


class ResponseStore:
    def __init__(self, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, tuple[Message, ...], int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, response_id: str, body: bytes, conversation: tuple[Message, ...] = ()) -> None:
        """Keep the response's JSON and the conversation up to and including it (for
        ``previous_response_id``); its size counts both."""
        size = len(body) + sum(len(m.content) + 64 for m in conversation)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(response_id, None)
            self._bytes += size - (old[2] if old else 0)
            self._items[response_id] = (body, conversation, size)
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped[2]

    def get(self, response_id: str) -> bytes | None:
        with self._lock:
            item = self._items.get(response_id)
        return item[0] if item else None

    def conversation(self, response_id: str) -> tuple[Message, ...] | None:
        with self._lock:
            item = self._items.get(response_id)
        return item[1] if item else None

    def delete(self, response_id: str) -> bool:
        """Forget a response (``DELETE /v1/responses/{id}``); False when it was not there."""
        with self._lock:
            item = self._items.pop(response_id, None)
            if item is not None:
                self._bytes -= item[2]
        return item is not None

    def replace_body(self, response_id: str, body: bytes) -> bool:
        """Keep a new JSON for a stored item (updated metadata); False when it was not there."""
        with self._lock:
            item = self._items.get(response_id)
        if item is None:
            return False
        self.put(response_id, body, item[1])
        return True

    def ids(self) -> list[str]:
        """Every stored id, oldest first."""
        with self._lock:
            return list(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes
