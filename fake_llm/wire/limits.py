"""Bounds on what one request may ask of the server: JSON depth, string sanity, context window.

Each check is cheap on the common request (a count or a length) and only looks closer when that
first look says it might matter, so validation stays off the profile of the hot path.
"""

from __future__ import annotations

import re
from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.tokens import count_tokens
from fake_llm.wire.common import loads

MAX_JSON_DEPTH = 64  # objects and arrays nested in the body
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_NOT_JSON = ("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
             "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.")


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in ``value``, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                return deepest
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def parse_body(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says what is wrong with it."""
    try:
        parsed = loads(raw or b"")
    except RecursionError:
        raise InvalidRequest(f"{_NOT_JSON} It nests objects or arrays deeper than {MAX_JSON_DEPTH} levels.)") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest(_NOT_JSON + ")") from None
    if not isinstance(parsed, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH and _depth(parsed) > MAX_JSON_DEPTH:
        raise InvalidRequest(f"{_NOT_JSON} It nests objects or arrays deeper than {MAX_JSON_DEPTH} levels.)")
    if bad := lone_surrogate(raw):
        raise InvalidRequest(f"{_NOT_JSON} It contains the unpaired surrogate {bad}, which is not "
                             "valid Unicode: send text as UTF-8.)")
    return parsed


def lone_surrogate(raw: bytes) -> str | None:
    """The first unpaired UTF-16 surrogate escape (``\\ud800``) in a JSON text, if any: JSON parsers
    accept one, but it is not text, and answering with it raises in every UTF-8 encoder downstream."""
    if b"\\ud" not in raw and b"\\uD" not in raw:
        return None
    bad = _LONE_SURROGATE.search(raw)
    return bad[0].decode() if bad else None


def context_overflow(texts: list[str], window: int) -> int | None:
    """The prompt's token count when it is past ``window``, else None.

    A prompt can only overflow when it has more characters than the window has tokens; then a
    sample of it gives an estimate, and only a prompt near the limit is counted exactly.
    """
    chars = sum(len(t) for t in texts)
    if chars <= window:
        return None
    joined = "\n".join(texts)
    sample = joined if len(joined) <= 40_000 else "".join(
        joined[i:i + 2_000] for i in range(0, len(joined), len(joined) // 20)[:20])
    estimate = int(count_tokens(sample) * len(joined) / max(1, len(sample)))
    if estimate < window * 0.9:
        return None
    tokens = estimate if estimate > window * 1.1 else count_tokens(joined)
    return tokens if tokens > window else None
