"""JSON mode (``response_format: json_object``): the object the prompt asks for, as a JSON Schema.

Real models in JSON mode follow the prompt: "Return JSON with keys name, age and city" gets exactly
those keys, and an example object in the prompt gets its shape. ``asked_schema`` reads that request
into a schema that ``schema_fill`` then fills from the context; None when the prompt names no keys.
A JSON Schema written into the prompt (instructor's JSON modes put the response model's there) is the
schema itself, not an example: ``written_schema`` finds one even outside JSON mode, when the prompt
asks for an instance of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY_LIST = re.compile(
    r"\b(?:keys?|fields?|properties|attributes|entries)\s*(?:named|called|:|-|of|with)?\s*"
    r"(?P<list>(?:[`\"']?[A-Za-z_][\w-]*[`\"']?(?:\s*\([^)]*\))?(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+)?){1,40})",
    re.I,
)
_QUOTED_KEY = re.compile(r"[\"'`]([A-Za-z_][\w-]{0,60})[\"'`]\s*:")
_BACKTICKED = re.compile(r"`([A-Za-z_][\w-]{0,60})`")
_NOT_KEYS = frozenset({"and", "or", "the", "a", "an", "with", "of", "in", "json", "object", "that", "which",
                       "following", "these", "each", "for", "to", "is", "are", "only", "exactly", "as", "should",
                       "must", "be", "contain", "containing", "include", "including", "named", "called"})
_NUMBER_WORDS = ("age", "count", "number", "total", "price", "cost", "amount", "year", "score", "quantity",
                 "rating", "size", "length", "width", "height", "weight", "population", "temperature", "percent",
                 "confidence", "probability", "minutes", "hours", "days", "id")
_ARRAY_WORDS = ("items", "tags", "sources", "list", "steps", "ingredients", "keywords", "names", "options",
                "examples", "reasons", "points", "entities", "results", "citations", "languages", "skills")


def asked_schema(text: str) -> dict[str, Any] | None:
    """The schema of the object the prompt asks for, or None when it asks for no keys in particular."""
    example = _example_object(text)
    if example is not None:
        return example if _is_schema(example) else _schema_of(example)
    keys = _listed_keys(text)
    if not keys:
        return None
    return {"type": "object", "properties": {k: _guess(k) for k in keys}, "required": keys}


_ASKS_FOR_INSTANCE = re.compile(r"\b(?:respond|reply|answer|return|provide|output|produce|match|matches|"
                                r"conform|conforms|comply|follow|follows|adhere|compatible|valid)\b", re.I)


def written_schema(text: str) -> dict[str, Any] | None:
    """The JSON Schema a prompt asks for an instance of ("respond in JSON that matches this schema:
    {...}"), or None: a schema only quoted ("what does this schema mean?") is not a request for JSON."""
    if '"properties"' not in text or not re.search(r"\bjson\b", text, re.I) or not re.search(
            r"\bschema\b", text, re.I) or not _ASKS_FOR_INSTANCE.search(text):
        return None
    example = _example_object(text)
    return example if example is not None and _is_schema(example) else None


def _is_schema(value: dict[str, Any]) -> bool:
    """Whether an object written in a prompt is a JSON Schema of an object rather than an example of one."""
    props = value.get("properties")
    return (isinstance(props, dict) and bool(props) and all(isinstance(p, dict) for p in props.values())
            and value.get("type", "object") == "object")


def without_examples(text: str) -> str:
    """The prompt with its example objects (and any schema written in it, nested however deep) taken
    out: their placeholder values and keywords are not facts. An unclosed brace keeps what follows."""
    kept, depth, start, end = [], 0, 0, 0
    for brace in re.finditer(r"[{}]", text):
        if brace[0] == "{":
            depth += 1
            if depth == 1:
                start = brace.start()
        elif depth:
            depth -= 1
            if depth == 0:
                kept.append(text[end:start])
                end = brace.end()
    kept.append(text[end:])
    return " ".join(kept)


def _example_object(text: str) -> dict[str, Any] | None:
    """The first JSON object written in the prompt (placeholders allowed: ``{"name": "<string>"}``)."""
    for start in [m.start() for m in re.finditer(r"\{", text)][:20]:
        depth = 0
        for end in range(start, min(len(text), start + 20_000)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                chunk = text[start:end + 1]
                try:
                    value = json.loads(chunk)
                except ValueError:
                    keys = _QUOTED_KEY.findall(chunk)
                    value = {k: _placeholder(chunk, k) for k in dict.fromkeys(keys)} if keys else None
                if isinstance(value, dict) and value:
                    return value
                break
    return None


def _placeholder(chunk: str, key: str) -> Any:
    match = re.search(rf"[\"'`]{re.escape(key)}[\"'`]\s*:\s*([^,}}\n]+)", chunk)
    raw = (match[1] if match else "").strip().lower()
    if raw.startswith("[") or "array" in raw or "list" in raw:
        return ["text"]
    if any(w in raw for w in ("int", "number", "float")) or re.match(r"^-?\d", raw):
        return 0
    if "bool" in raw or raw in ("true", "false"):
        return True
    return "text"


def _listed_keys(text: str) -> list[str]:
    keys: list[str] = []
    for match in _KEY_LIST.finditer(text):
        for raw in re.split(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s+or\s+", match["list"]):
            key = re.sub(r"\s*\([^)]*\)", "", raw).strip().strip("`\"'")
            if key and key.lower() not in _NOT_KEYS and re.fullmatch(r"[A-Za-z_][\w-]*", key) and key not in keys:
                keys.append(key)
    if not keys and re.search(r"\bjson\b", text, re.I):
        keys = list(dict.fromkeys(_BACKTICKED.findall(text)))
    return keys[:40]


def _guess(key: str) -> dict[str, Any]:
    lowered = key.lower()
    if lowered.startswith(("is_", "has_", "can_", "should_")) or lowered in ("valid", "success", "ok"):
        return {"type": "boolean"}
    if any(lowered == w or lowered.endswith("_" + w) or lowered.startswith(w + "_") for w in _NUMBER_WORDS):
        return {"type": "number" if lowered in ("price", "cost", "amount", "temperature", "confidence",
                                                 "probability", "score", "rating", "weight") else "integer"}
    if any(lowered == w or lowered.endswith("_" + w) for w in _ARRAY_WORDS):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def _schema_of(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {"type": "object", "properties": {str(k): _schema_of(v) for k, v in value.items()},
                "required": [str(k) for k in value]}
    if isinstance(value, list):
        return {"type": "array", "items": _schema_of(value[0]) if value else {"type": "string"}}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if value is None:
        return {"type": ["string", "null"]}
    return {"type": "string"}
