"""Fill any JSON Schema the SDKs generate with a value that validates, taken from the text where it can.

Handles what pydantic, zod and hand-written schemas produce: ``$ref`` into ``$defs``/``definitions``
(recursive models too), ``anyOf``/``oneOf``/``allOf``, ``enum``/``const``, nullable types, formats
(date, date-time, email, uri, uuid, ...), string ``pattern`` and length bounds, numeric bounds and
``multipleOf``, ``minItems``/``maxItems``/``uniqueItems``/``prefixItems``, ``additionalProperties``.

The work is bounded: every value produced spends from a node budget, so a tiny schema with nested
``minItems: 200`` cannot make a 100 MB answer. When the budget runs out arrays stop growing and the
result says it was cut short; the model reports that as ``finish_reason: length``, as a real model
that ran out of output tokens does.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fake_llm.extract import Extractor, words_of
from fake_llm.regex_sample import sample as sample_pattern

MAX_NODES = 3000  # values (objects, arrays, scalars) in one answer
MAX_DEPTH = 24  # nesting, including $ref hops
FRESH_ITEMS = 3  # array items filled one by one (each may take another value from the text); the rest repeat
_TEXT_FIELDS = {"answer", "text", "summary", "response", "content", "reason", "explanation", "message",
                "reasoning", "description", "output", "result", "reply", "final_answer", "body", "details",
                "justification", "rationale", "comment", "notes", "analysis"}
_BOOL_NO = ("not ", "no ", "n't", "never", "false")
# flags that raise an alarm (a guardrail's is_homework, contains_pii, is_off_topic): up only with cause
_ALARMS = frozenset("homework off unsafe harmful toxic abusive abuse pii jailbreak injection spam malicious violation "
                    "violates offensive profanity inappropriate nsfw hate hateful threat fraud illegal dangerous "
                    "escalate escalation attack flagged".split())
_FLAG_WORDS = frozenset("is has contains contain needs need should requires asks asking about for".split())

def _as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: schema keywords of the wrong kind are ignored."""
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []



@dataclass
class Filled:
    value: Any
    truncated: bool  # the budget ran out: some arrays are shorter than asked


@dataclass
class _Filler:
    root: dict[str, Any]
    extractor: Extractor
    rng: random.Random
    answer: str | None
    question: str | None = None  # the user's own words, when they are known apart from the context
    nodes_left: int = MAX_NODES
    truncated: bool = False
    _expanding: list[str] = field(default_factory=list)  # $refs being filled: a recursive model stops here

    def recursive(self, schema: Any) -> bool:
        """Whether ``schema`` is (or is an array of) a $ref already being filled further up."""
        if not isinstance(schema, dict):
            return False
        if isinstance(schema.get("$ref"), str):
            return schema["$ref"] in self._expanding
        return _kind(schema) == "array" and self.recursive(schema.get("items"))

    def resolve(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#"):
            return {}
        node: Any = self.root
        for part in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return {}
        return node if isinstance(node, dict) else {}

    def fill(self, schema: Any, name: str, depth: int) -> Any:
        self.nodes_left -= 1
        if not isinstance(schema, dict):
            return None if schema is False else self.text_for(name, {})
        if depth > MAX_DEPTH or self.nodes_left < 0:
            self.truncated = self.truncated or self.nodes_left < 0
            return _smallest(schema, self)
        if isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            target = self.resolve(ref)
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            self._expanding.append(ref)
            try:
                return self.fill(merged, name, depth + 1)
            finally:
                self._expanding.pop()
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            options = schema["enum"]
            picked = self.extractor.enum(options)
            return picked if picked is not None else options[0]
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            return self.fill(_merge_all_of(schema, self), name, depth + 1)
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                return self.fill(self.choose(options, schema, name), name, depth + 1)
        if isinstance(schema.get("description"), str) and schema["description"].endswith("}"):
            schema = _with_hints(schema)
        kind = _kind(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, name, depth)
        if kind in ("integer", "number"):
            return self.number(schema, name, kind)
        if kind == "boolean":
            return self.boolean(name)
        if kind == "null":
            return None
        return self.string(schema, name)

    def choose(self, options: list[Any], parent: dict[str, Any], name: str) -> dict[str, Any]:
        """A nullable field is null only when the text has nothing for it; otherwise the first real option."""
        real = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
        has_null = len(real) < len(options)
        if has_null and real and (self.recursive(real[0]) or (
                _is_scalar(real[0], self) and not self.known(real[0], name))):
            return {"type": "null"}
        real = [o for o in real if not self.recursive(o)] or real
        extra = {k: v for k, v in parent.items() if k not in ("anyOf", "oneOf", "default", "title", "description")}
        picked = real[0] if real else options[0]
        return {**extra, **picked} if isinstance(picked, dict) else {}

    def known(self, schema: dict[str, Any], name: str) -> bool:
        """Whether the text holds a value for this scalar field (else a nullable one stays null)."""
        if schema.get("$ref"):
            schema = self.resolve(schema["$ref"])
        if schema.get("enum"):
            return self.extractor.enum(schema["enum"]) is not None
        kind = _kind(schema)
        if kind in ("integer", "number"):
            return self.extractor.number(name, consume=False) is not None
        if kind == "string":
            if self.answer is not None and name.lower() in _TEXT_FIELDS:
                return True
            description = schema.get("description")
            return self.extractor.string(name, schema.get("format"), description if isinstance(description, str)
                                         else "", consume=False) is not None
        return kind == "boolean" and self.extractor.mentions(" ".join(words_of(name)))

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props = _as_dict(schema.get("properties"))
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if self.nodes_left <= 0 and key not in (schema.get("required") or []):
                self.truncated = True
                continue
            out[key] = self.fill(sub, key, depth + 1)
        wanted = schema.get("minProperties")
        extra = schema.get("additionalProperties")
        if isinstance(wanted, int) and len(out) < wanted and extra is not False:
            sub = extra if isinstance(extra, dict) else {"type": "string"}
            for i in range(min(wanted, MAX_NODES) - len(out)):
                if self.nodes_left <= 0:
                    self.truncated = True
                    break
                out[f"key{i + 1}"] = self.fill(sub, f"key{i + 1}", depth + 1)
        return out

    def array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        prefix = _as_list(schema.get("prefixItems"))
        low = _int(schema.get("minItems"), 0)
        high = _int(schema.get("maxItems"), max(low, len(prefix), 1))
        items = _as_dict(schema.get("items"))
        floor = 0 if self.recursive(items) else 1  # a tree's children: none below the first level
        count = min(max(low, len(prefix), floor), high) if high >= 0 else max(low, floor)
        out: list[Any] = []
        unique = bool(schema.get("uniqueItems"))
        cost = 0
        for i in range(count):
            if self.nodes_left <= 0 or (cost and self.nodes_left < cost):
                self.truncated = self.truncated or len(out) < low
                break
            if i >= len(prefix) + FRESH_ITEMS and not unique:
                # like items repeat: charge the budget for the copy without building it again, so work
                # stays proportional to the schema, not to the (capped) size of the answer
                self.nodes_left -= cost
                out.append(out[-1])
                continue
            sub = prefix[i] if i < len(prefix) else items
            before = self.nodes_left
            value = self.fill(sub, name, depth + 1)
            cost = max(1, before - self.nodes_left)
            if unique and value in out:
                value = self.distinct(sub, value, out, i)
            out.append(value)
        return out

    def distinct(self, sub: Any, value: Any, seen: list[Any], i: int) -> Any:
        target = self.resolve(sub["$ref"]) if isinstance(sub, dict) and sub.get("$ref") else sub
        if isinstance(target, dict) and isinstance(target.get("enum"), list):
            return next((o for o in target["enum"] if o not in seen), value)
        if isinstance(value, str):
            return f"{value} {i + 1}"
        if isinstance(value, bool):
            return not value
        if isinstance(value, int | float):
            return value + i
        return value

    def number(self, schema: dict[str, Any], name: str, kind: str) -> int | float:
        found = self.extractor.number(name)
        low, high = _num(schema.get("minimum")), _num(schema.get("maximum"))
        xlow, xhigh = _num(schema.get("exclusiveMinimum")), _num(schema.get("exclusiveMaximum"))
        value = found if found is not None else float(self.rng.randint(1, 100))
        step = 1.0 if kind == "integer" else 0.01
        if low is not None:
            value = max(value, low)
        if xlow is not None and value <= xlow:
            value = xlow + step
        if high is not None:
            value = min(value, high)
        if xhigh is not None and value >= xhigh:
            value = xhigh - step
        multiple = _num(schema.get("multipleOf"))
        if multiple:
            value = math.ceil(value / multiple) * multiple
            if (high is not None and value > high) or (xhigh is not None and value >= xhigh):
                value -= multiple
        if kind == "integer":
            return int(math.ceil(value)) if low is not None and value < low else int(value)
        return round(value, 6)

    def boolean(self, name: str) -> bool:
        words = words_of(name)
        if _ALARMS.intersection(words):
            # raised when the user's words name the trouble ("my homework"), not because a system prompt
            # says what to look for ("check if the user asks for homework help")
            said = (self.question if self.question is not None else self.extractor.text).lower()
            return any(re.search(rf"\b{re.escape(w)}", said) for w in words if w not in _FLAG_WORDS and w != "off")
        phrase = " ".join(words)
        text = self.extractor.text.lower()
        at = text.find(phrase) if phrase else -1
        if at < 0:
            return True
        return not any(neg in text[max(0, at - 16):at] for neg in _BOOL_NO)

    def string(self, schema: dict[str, Any], name: str) -> str:
        value = self.text_for(name, schema)
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, value):
            value = sample_pattern(pattern, self.rng) or value
        low, high = _int(schema.get("minLength"), 0), _int(schema.get("maxLength"), -1)
        if len(value) < low:
            value = (value + " " + "x" * low)[:low] if value else "x" * low
        if high >= 0 and len(value) > high:
            value = value[:high]
        return value

    def text_for(self, name: str, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if fmt in ("ipv4",):
            return f"192.0.2.{self.rng.randint(1, 254)}"
        if fmt == "ipv6":
            return f"2001:db8::{self.rng.randint(1, 65535):x}"
        if fmt == "hostname":
            return "example.com"
        if fmt == "duration":
            return "P1D"
        if self.answer is not None and name.lower() in _TEXT_FIELDS:
            return self.answer
        found = self.extractor.string(name, fmt, schema.get("description", "") if isinstance(
            schema.get("description"), str) else "")
        if found is not None:
            return found
        defaults = {"date": "2026-01-15", "date-time": "2026-01-15T09:00:00Z", "time": "09:00:00",
                    "email": "user@example.com", "idn-email": "user@example.com", "uri": "https://example.com/",
                    "url": "https://example.com/", "uri-reference": "https://example.com/"}
        if fmt in defaults:
            return defaults[fmt]
        if self.answer:
            return _short(self.answer)
        return _short(self.extractor.text) or " ".join(words_of(name)) or "value"


def fill_schema(schema: dict[str, Any], text: str, rng: random.Random, *, answer: str | None = None,
                max_nodes: int = MAX_NODES, today: date | None = None, question: str | None = None) -> Filled:
    """A value for ``schema`` (strings prefer the answer and the words of ``text``), within a budget;
    ``today`` is what relative dates ("tomorrow") count from; ``question``, the user's words in ``text``."""
    filler = _Filler(schema, Extractor(text, today), rng, answer, question, nodes_left=max_nodes)
    filler._expanding.append("#")  # the root is being filled: a field that refers back to it stops there
    defs = schema.get("$defs") or schema.get("definitions") or {}
    where = "$defs" if "$defs" in schema else "definitions"
    if isinstance(defs, dict) and schema.get("title"):
        filler._expanding.extend(f"#/{where}/{k}" for k, d in defs.items()
                                 if isinstance(d, dict) and d.get("title") == schema["title"])
    value = filler.fill(schema, "", 0)
    return Filled(value, filler.truncated)


_HINT_KEYS = ("minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
              "maxLength", "pattern", "multipleOf", "format", "uniqueItems", "minProperties")
_KEYS_RX = "|".join(_HINT_KEYS)
_HINTS = re.compile(r"\{((?:" + _KEYS_RX + r"): .*)\}$", re.S)
_HINT = re.compile(r"(" + _KEYS_RX + r"): (.*?)(?=, (?:" + _KEYS_RX + r"): |$)", re.S)


def _with_hints(schema: dict[str, Any]) -> dict[str, Any]:
    """Constraints the Anthropic SDK moved into the description ("{minItems: 2, pattern: ^\\d+$}"), which
    Claude follows: read back so the value still validates on the client."""
    match = _HINTS.search(schema["description"])
    if not match:
        return schema
    out = dict(schema)
    for key, raw in _HINT.findall(match[1]):
        if key in out:
            continue
        if key in ("pattern", "format"):
            out[key] = raw
        elif key == "uniqueItems":
            out[key] = raw.strip() == "True"
        else:
            try:
                number = float(raw)
            except ValueError:
                continue
            out[key] = int(number) if number.is_integer() else number
    return out


def _short(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first[:200]


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        real = [k for k in kind if k != "null"]
        kind = real[0] if real else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _is_scalar(schema: dict[str, Any], filler: _Filler) -> bool:
    target = filler.resolve(schema["$ref"]) if schema.get("$ref") else schema
    return _kind(target) not in ("object", "array") or bool(target.get("enum"))


def _merge_all_of(schema: dict[str, Any], filler: _Filler) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            part = filler.resolve(part["$ref"])
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _smallest(schema: dict[str, Any], filler: _Filler, depth: int = 0) -> Any:
    """The cheapest valid value, for when depth or budget is spent: null, [], {}, 0 or ''."""
    if isinstance(schema.get("$ref"), str):
        schema = filler.resolve(schema["$ref"])
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            if any(isinstance(o, dict) and o.get("type") == "null" for o in options):
                return None
            return _smallest(options[0] if isinstance(options[0], dict) else {}, filler, depth + 1)
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return None
    kind = _kind(schema)
    if kind == "object":
        props = _as_dict(schema.get("properties"))
        required = [k for k in (schema.get("required") or []) if k in props]
        if depth > 8:
            return {}
        return {k: _smallest(props[k] if isinstance(props[k], dict) else {}, filler, depth + 1) for k in required}
    if kind == "array":
        low = _int(schema.get("minItems"), 0)
        items = _as_dict(schema.get("items"))
        return [_smallest(items, filler, depth + 1) for _ in range(min(low, 8))] if low and depth <= 8 else []
    if kind in ("integer", "number"):
        minimum = _num(schema.get("minimum"))
        return int(minimum) if minimum is not None and kind == "integer" else (minimum or 0)
    if kind == "boolean":
        return False
    return "x" * _int(schema.get("minLength"), 0)


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
