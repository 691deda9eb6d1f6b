"""Pieces both wire formats share: JSON bytes, SSE frames, type checks with the provider's words."""

from __future__ import annotations

import json
from typing import Any

import orjson

from fake_llm.errors import InvalidRequest
from fake_llm.hooks import Frame


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON. orjson (about 10x faster) when it can; the standard library for what
    orjson refuses (integers past 64 bits, non-string keys, lone surrogates, which it escapes).

    orjson's bytes keep the capacity of its growing buffer (10,000 stored 1.5 KB bodies took
    79 MB, exact copies 15 MB), so the result is copied to its exact size: answers are stored
    (Responses by id, replay templates) and must cost what they weigh."""
    try:
        return bytes(memoryview(orjson.dumps(obj)))
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode()


# Past 64 bits orjson reads an integer as a float, so a text with 19 digits in a row is read by the
# standard library. Found by mapping digits to "0" and the rest to " " and looking for nineteen
# "0"s: a tenth of the cost of the regular expression [0-9]{19}, which cost more than the parse.
_DIGIT_MASK = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_RUN = b"0" * 19


def loads(raw: bytes | str) -> Any:
    """``json.loads``, by orjson (a few times faster) whenever it reads the same value: it refuses
    what only the standard library accepts (NaN, 1e400, lone surrogates, a BOM, UTF-16), and
    those, like integers past 64 bits, are read by the standard library."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    if _LONG_RUN not in data.translate(_DIGIT_MASK):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


def sse(obj: Any, *, event: str | None = None, delay_s: float = 0.0) -> Frame:
    head = f"event: {event}\n" if event else ""
    return Frame(head.encode() + b"data: " + dumps(obj) + b"\n\n", delay_s=delay_s)


def need(body: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False,
         what: str = "") -> Any:
    """The field ``name`` if it has the right type; a 400 naming the field otherwise."""
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"Missing required parameter: '{name}'.", param=name)
        return None
    bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
    if not isinstance(value, kind) or bad_bool:
        expected = what or (kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind))
        raise InvalidRequest(
            f"Invalid type for '{name}': expected {expected}, but got {type(value).__name__} instead.",
            param=name,
        )
    return value


def text_of(content: Any, where: str) -> str:
    """Message content as plain text: a string, or the text parts of a list of content blocks."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for i, part in enumerate(content):
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise InvalidRequest(f"Invalid content part at '{where}[{i}]': expected an object with a type.",
                                     param=f"{where}[{i}]")
            if isinstance(part.get("text"), str):
                parts.append(part["text"])
            elif part["type"] == "tool_result":
                parts.append(text_of(part.get("content"), f"{where}[{i}].content"))
        return "\n".join(parts)
    raise InvalidRequest(f"Invalid type for '{where}': expected a string or an array of content parts.",
                         param=where)


def stop_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InvalidRequest(f"Invalid type for '{name}': expected a string or an array of strings.", param=name)
