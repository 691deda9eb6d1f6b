"""Validating a request body with its pydantic model and saying what is wrong the provider's way.

Each request type has a pydantic model (``request_models``) whose fields and bounds come from the
official OpenAPI spec (and, where the real API is stricter than its spec, from the real API). A
failed validation becomes one ``InvalidRequest`` worded as the provider words it:

- OpenAI: ``Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3
  instead.`` with ``param`` in OpenAI's path notation (``messages[0].content``) and its ``code``;
- Anthropic: pydantic's own wording, ``max_tokens: Input should be greater than or equal to 1``,
  because that is what Anthropic's API answers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fake_llm.errors import InvalidRequest

M = TypeVar("M", bound=BaseModel)


class Style(StrEnum):
    CHAT = "chat"  # OpenAI Chat Completions / Embeddings: unknown fields are "Unrecognized request argument"
    RESPONSES = "responses"  # OpenAI Responses: unknown fields are "Unknown parameter"
    ANTHROPIC = "anthropic"


_EXPECTED = {
    "string_type": "a string", "int_type": "an integer", "float_type": "a number", "bool_type": "a boolean",
    "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object",
    "list_type": "an array", "none_required": "null", "int_from_float": "an integer",
}


def _got(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _real_path(loc: tuple[Any, ...], body: Any, missing: bool) -> list[str | int]:
    """The parts of a pydantic location that index into the body: union member labels and
    discriminator tags pydantic inserts are dropped; for a missing field its name is kept."""
    path: list[str | int] = []
    current = body
    for i, part in enumerate(loc):
        indexes = (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current))
        if indexes:
            path.append(part)
            current = current[part]  # type: ignore[index]
        elif missing and i == len(loc) - 1 and isinstance(part, (str, int)):
            path.append(part)
            current = None
    return path


def openai_param(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _supported(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" (or "'a', 'b', 'c'") as OpenAI's "'a', 'b', and 'c'"."""
    items = [x.strip() for x in expected.replace(" or ", ", ").split(", ") if x.strip()]
    if len(items) < 2:
        return expected
    return f"{items[0]} and {items[1]}" if len(items) == 2 else ", ".join(items[:-1]) + ", and " + items[-1]


def _number(bound: Any) -> str:
    """A bound declared as a float (``le=2.0``) belongs to a decimal field, an int to an integer one."""
    return "decimal" if isinstance(bound, float) else "integer"


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _openai(error: Any, param: str, style: Style, others: list[Any]) -> InvalidRequest:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        if style is Style.CHAT and "." not in param and "[" not in param:
            return InvalidRequest(f"Unrecognized request argument supplied: {param}", param=None, code="")
        return InvalidRequest(f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter")
    if kind in ("missing", "union_tag_not_found"):
        if kind == "union_tag_not_found":
            param = f"{param}.{str(ctx.get('discriminator', 'type')).strip(chr(39))}"
        return InvalidRequest(f"Missing required parameter: '{param}'.", param=param,
                              code="missing_required_parameter")
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        op = ">=" if kind == "greater_than_equal" else ">"
        return InvalidRequest(f"Invalid '{param}': {_number(bound)} below minimum value. Expected a value {op} "
                              f"{_shown(bound)}, but got {_shown(value)} instead.", param=param,
                              code=f"{_number(bound)}_below_min_value")
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        op = "<=" if kind == "less_than_equal" else "<"
        return InvalidRequest(f"Invalid '{param}': {_number(bound)} above maximum value. Expected a value {op} "
                              f"{_shown(bound)}, but got {_shown(value)} instead.", param=param,
                              code=f"{_number(bound)}_above_max_value")
    if kind in ("too_long", "string_too_long", "too_short", "string_too_short"):
        what = "string" if isinstance(value, str) else "array"
        a = "a" if what == "string" else "an"
        if kind.endswith("long"):
            limit, actual = ctx.get("max_length"), ctx.get("actual_length", len(value or ()))
            return InvalidRequest(f"Invalid '{param}': {what} too long. Expected {a} {what} with maximum length "
                                  f"{limit}, but got {a} {what} with length {actual} instead.", param=param,
                                  code=f"{what}_above_max_length")
        if not value:
            return InvalidRequest(f"Invalid '{param}': empty {what}. Expected {a} {what} with minimum length "
                                  f"{ctx.get('min_length', 1)}, but got an empty {what} instead.", param=param,
                                  code=f"empty_{what}")
        return InvalidRequest(f"Invalid '{param}': {what} too short. Expected {a} {what} with minimum length "
                              f"{ctx.get('min_length')}, but got {a} {what} with length {len(value)} instead.",
                              param=param, code=f"{what}_below_min_length")
    if kind in ("literal_error", "enum"):
        return InvalidRequest(f"Invalid value: '{value}'. Supported values are: {_supported(ctx.get('expected', ''))}.",
                              param=param, code="invalid_value")
    if kind == "union_tag_invalid":
        tag = str(ctx.get("discriminator", "type")).strip("'")
        return InvalidRequest(f"Invalid value: '{ctx.get('tag')}'. Supported values are: "
                              f"{_supported(ctx.get('expected_tags', ''))}.", param=f"{param}.{tag}",
                              code="invalid_value")
    if kind in _EXPECTED:
        wanted = [_EXPECTED[e["type"]] for e in others if e["type"] in _EXPECTED]
        unique = list(dict.fromkeys(wanted or [_EXPECTED[kind]]))
        expected = unique[0] if len(unique) == 1 else "one of " + " or ".join(unique)
        return InvalidRequest(f"Invalid type for '{param}': expected {expected}, but got {_got(value)} instead.",
                              param=param, code="invalid_type")
    if kind == "string_pattern_mismatch":
        return InvalidRequest(f"Invalid '{param}': string does not match pattern. Expected a string that matches "
                              f"the pattern '{ctx.get('pattern')}'.", param=param, code="invalid_value")
    return InvalidRequest(f"Invalid value for '{param}': {error['msg']}.", param=param, code="invalid_value")


def to_invalid_request(exc: ValidationError, body: dict[str, Any], style: Style) -> InvalidRequest:
    """The one error to report: the one that reached deepest into the body (the members of a union
    that did not fit at all come out shallower), the first of those."""
    errors = exc.errors(include_url=False)
    paths = [_real_path(tuple(e["loc"]), body, e["type"] == "missing") for e in errors]
    depth = max(len(p) for p in paths)
    deepest = [i for i, p in enumerate(paths) if len(p) == depth]
    # of a union's members, the one of the right type that failed a bound says more than "wrong type"
    members = [i for i in deepest if paths[i] == paths[deepest[0]]]
    index = next((i for i in members if errors[i]["type"] not in _EXPECTED), members[0])
    error, path = errors[index], paths[index]
    if style is Style.ANTHROPIC:
        where = ".".join(str(p) for p in error["loc"])
        return InvalidRequest(f"{where}: {error['msg']}" if where else error["msg"],
                              param=".".join(str(p) for p in path) or None)
    same_place = [e for e, p in zip(errors, paths, strict=True) if p == path]
    return _openai(error, openai_param(path), style, same_place)


def validate(model: type[M], body: dict[str, Any], style: Style) -> M:
    """``body`` as ``model``, or the provider's 400 for the first thing wrong with it."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise to_invalid_request(exc, body, style) from None
