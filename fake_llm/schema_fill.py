"""Fill a JSON schema with values that validate against it, taken from the text where it can."""

from __future__ import annotations

import random
import re
from typing import Any

_TEXT_FIELDS = {"answer", "text", "summary", "response", "content", "reason", "explanation", "message"}


def fill_schema(schema: dict[str, Any], text: str, rng: random.Random, *, answer: str | None = None,
                name: str = "", depth: int = 0) -> Any:
    """A value for ``schema``: objects get every property, strings prefer the answer text."""
    if depth > 8:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return fill_schema(options[0], text, rng, answer=answer, name=name, depth=depth + 1)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props: dict[str, Any] = schema.get("properties", {})
        return {
            key: fill_schema(sub, text, rng, answer=answer, name=key, depth=depth + 1)
            for key, sub in props.items()
        }
    if kind == "array":
        item = fill_schema(schema.get("items", {}), text, rng, answer=answer, name=name, depth=depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind in ("integer", "number"):
        numbers = re.findall(r"\d+(?:\.\d+)?", text)
        value: float = float(numbers[0]) if numbers else rng.randint(1, 100)
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if answer is not None and name.lower() in _TEXT_FIELDS:
        return answer
    words = re.findall(r"[A-Za-z0-9$]+", text)
    return " ".join(words[:3]) if words else name or "value"
