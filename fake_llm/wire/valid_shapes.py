"""Request bodies already found valid, remembered by their shape: the body with its messages' text
taken out.

Validating a body against its request model (pydantic, the whole spec's bounds) is the costliest
pure step of a request, and a drill's or a load test's requests differ only in what their messages
say. Whether a chat body is valid does not depend on that text, only on its type and on whether it
is blank, and the shape keeps both: a text that is empty or only whitespace stays as it is, any
other becomes one letter. Only bodies that passed are remembered, so a refusal is worked out (and
worded) afresh every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fake_llm.memo import ByteBudgetLRU
from fake_llm.wire.common import dumps

MAX_SHAPE_BYTES = 16 * 1024  # a body with big schemas or many tools is validated every time


def shape_of(body: dict[str, Any]) -> bytes | None:
    """The body's JSON with each message's non-blank string content as ``"x"``; None when it has
    no list of messages to take text out of (nothing would be shared)."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return None
    hollow = [{**m, "content": "x"} if isinstance(m, dict) and isinstance(m.get("content"), str)
              and not m["content"].isspace() and m["content"] else m for m in messages]
    try:
        return dumps({**body, "messages": hollow})
    except (TypeError, ValueError):  # what neither encoder writes is validated every time
        return None


class ValidShapes:
    """``check`` run once per shape of body that passes it; a body that fails raises every time."""

    def __init__(self, check: Callable[[dict[str, Any]], object], max_bytes: int = 1024 * 1024) -> None:
        self._check = check
        self._passed: ByteBudgetLRU[bytes, bool] = ByteBudgetLRU(max_bytes, max_entry_bytes=MAX_SHAPE_BYTES)

    def check(self, body: dict[str, Any]) -> None:
        shape = shape_of(body)
        if shape is not None and self._passed.get(shape):
            return
        self._check(body)
        if shape is not None:
            self._passed.put(shape, True, len(shape))
