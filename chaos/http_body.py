"""One reader for the JSON bodies of every firedrill HTTP API (control, admin, the room).

Bodies are small by nature, so one bound keeps a mistake or an attack cheap: over 64 KiB, not
JSON, NaN or Infinity, nested deeper than Python's parser recurses, not an object, or holding an
unpaired surrogate (``\ud800``, which JSON parses but no UTF-8 answer can carry) — each is a 4xx
that says which, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from chaos.errors import DrillError, FiredrillError, InputTooLargeError
from fake_llm.wire.limits import lone_surrogate

MAX_BODY_BYTES = 64 * 1024  # every control body is small; a bigger one is a mistake or an attack


def json_object(raw: bytes, *, error: type[FiredrillError] = DrillError) -> dict[str, Any]:
    """The body as a JSON object (an empty body is ``{}``); ``error`` is the class to raise."""
    if len(raw) > MAX_BODY_BYTES:
        raise InputTooLargeError(f"the request body is over {MAX_BODY_BYTES // 1024} KiB")
    if not raw.strip():
        return {}
    try:
        doc = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise error("the request body is nested too deeply to be a control request") from None
    except ValueError as exc:
        raise error(f"the request body is not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise error("the request body must be a JSON object")
    if bad := lone_surrogate(raw):  # journaled, it would break every later read of the timeline
        raise error(f"the request body holds the unpaired surrogate {bad}, which is not text: send UTF-8")
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")
