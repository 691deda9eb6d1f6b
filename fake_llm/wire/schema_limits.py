"""JSON Schemas in requests (tool parameters, structured outputs): well-formed and of bounded size.

The simulated model fills a schema with its smallest valid instance, so a schema whose smallest
instance is huge (``minItems: 200`` nested three deep is 8 million values in 251 bytes) would
turn one request into hundreds of megabytes. It is refused up front with a 400, as are schemas
whose keywords have the wrong types (``properties`` a list, ``minItems`` a string).
"""

from __future__ import annotations

from typing import Any

from fake_llm.errors import InvalidRequest

MAX_SCHEMA_DEPTH = 32  # nesting of subschemas
MAX_INSTANCE_VALUES = 10_000  # values in the smallest instance the schema allows

_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}
_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
               "unevaluatedProperties", "unevaluatedItems", "additionalItems")
_COUNTS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties", "minContains",
           "maxContains")
_NUMBERS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


class _Bad(Exception):
    """A malformed schema; ``check_schema`` turns it into the 400 with where and param."""

    def __init__(self, path: str, what: str) -> None:
        self.path, self.what = path, what


def _children(node: dict[str, Any], path: str) -> list[tuple[str, Any]]:
    """The subschemas of ``node`` with their paths, checking the type of every keyword on the way."""
    out: list[tuple[str, Any]] = []
    for key in _SCHEMA_MAPS:
        if key in node:
            value = node[key]
            if not isinstance(value, dict):
                raise _Bad(path, f"'{key}' must be an object mapping names to schemas.")
            # a property given as a bare value ({"unit": "celsius"}) is read as "anything": the SDKs'
            # own test requests send such schemas, and the filler treats it as a plain value
            out.extend((f"{path}/{key}/{name}", sub) for name, sub in value.items()
                       if key != "properties" or isinstance(sub, (dict, bool)))
    for key in _SCHEMA_LISTS:
        if key in node:
            value = node[key]
            if not isinstance(value, list) or (key != "prefixItems" and not value):
                raise _Bad(path, f"'{key}' must be a non-empty array of schemas.")
            out.extend((f"{path}/{key}/{i}", sub) for i, sub in enumerate(value))
    for key in _SCHEMA_ONE:
        if key in node:
            out.append((f"{path}/{key}", node[key]))
    if "items" in node:
        items = node["items"]
        if isinstance(items, list):
            out.extend((f"{path}/items/{i}", sub) for i, sub in enumerate(items))
        else:
            out.append((f"{path}/items", items))
    for key in _COUNTS:
        if key in node and (not isinstance(node[key], int) or isinstance(node[key], bool) or node[key] < 0):
            raise _Bad(path, f"'{key}' must be a non-negative integer, got {node[key]!r}.")
    for key in _NUMBERS:
        if key in node and (not isinstance(node[key], (int, float)) or isinstance(node[key], bool)):
            raise _Bad(path, f"'{key}' must be a number, got {node[key]!r}.")
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if kind is not None and not all(isinstance(k, str) and k in _TYPES for k in kinds):
        raise _Bad(path, f"'type' must be one of {', '.join(sorted(_TYPES))} or an array of them.")
    if "required" in node and not (isinstance(node["required"], list)
                                   and all(isinstance(r, str) for r in node["required"])):
        raise _Bad(path, "'required' must be an array of property names.")
    if "enum" in node and not isinstance(node["enum"], list):
        raise _Bad(path, "'enum' must be an array.")
    if "$ref" in node and not isinstance(node["$ref"], str):
        raise _Bad(path, "'$ref' must be a string.")
    return out


def _resolve(root: dict[str, Any], ref: str) -> Any:
    if ref == "#":
        return root
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def schema_problem(schema: Any) -> str | None:
    """What is wrong with the schema (malformed, nested deeper than ``MAX_SCHEMA_DEPTH``, smallest
    instance over ``MAX_INSTANCE_VALUES``), with where in it; None when nothing is."""
    try:
        _check(schema)
    except _Bad as bad:
        return f"at '{bad.path}': {bad.what}" if bad.path else bad.what
    return None


def check_schema(schema: Any, where: str, param: str) -> None:
    """A 400 in OpenAI's words naming ``where`` (e.g. "response_format 'answer'") for ``schema_problem``."""
    if (problem := schema_problem(schema)) is not None:
        sep = " " if problem.startswith("at '") else ": "
        raise InvalidRequest(f"Invalid schema for {where}{sep}{problem}", param=param, code="invalid_json_schema")


def _check(schema: Any) -> None:
    if not isinstance(schema, dict):
        raise _Bad("", "a schema must be a JSON object.")
    stack = [("", schema, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth > MAX_SCHEMA_DEPTH:
            raise _Bad(path, f"schemas may nest at most {MAX_SCHEMA_DEPTH} levels deep.")
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict):
            raise _Bad(path, f"a schema must be an object or a boolean, got {node!r:.40}.")
        if node:
            stack.extend((p, sub, depth + 1) for p, sub in _children(node, path))
    size = _instance_size(schema, schema, 0, set())
    if size > MAX_INSTANCE_VALUES:
        raise _Bad("", f"its smallest valid instance has more than {MAX_INSTANCE_VALUES:,} values "
                               "(check minItems, minProperties and required).")


def _instance_size(root: dict[str, Any], node: Any, depth: int, refs: set[str]) -> int:
    """Values in the smallest instance, as the model fills it (every property, minItems copies);
    stops counting once past the limit, so it never does more than the limit's worth of work."""
    if not isinstance(node, dict) or depth > MAX_SCHEMA_DEPTH:
        return 1
    if isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in refs:  # recursive schemas: the model stops at the recursion
            return 1
        return _instance_size(root, _resolve(root, ref), depth + 1, refs | {ref})
    options = [node[k] for k in ("anyOf", "oneOf", "allOf") if isinstance(node.get(k), list)]
    if options:
        return max((_instance_size(root, o, depth + 1, refs) for opts in options for o in opts), default=1)
    size = 1
    props = node.get("properties")
    if isinstance(props, dict):
        for sub in props.values():
            size += _instance_size(root, sub, depth + 1, refs)
            if size > MAX_INSTANCE_VALUES:
                return size
    if "items" in node or node.get("type") == "array":
        copies = max(1, node.get("minItems", 1) if isinstance(node.get("minItems"), int) else 1)
        if copies > MAX_INSTANCE_VALUES:
            return copies
        items = node.get("items")
        each = _instance_size(root, items if isinstance(items, dict) else {}, depth + 1, refs)
        size += copies * each
    min_props = node.get("minProperties")
    if isinstance(min_props, int) and not isinstance(min_props, bool):
        size += min_props
    return size


def strict_problem(schema: Any) -> str | None:
    """What Structured Outputs' strict mode refuses in a well-formed schema, in the API's words: every
    object must set ``additionalProperties: false`` and require each of its properties. None when
    the schema keeps both rules (a schema that is not an object's is left to ``schema_problem``)."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), schema)]
    while stack:
        context, node = stack.pop()
        if not isinstance(node, dict):
            continue
        props = node.get("properties")
        if node.get("type") == "object" or isinstance(props, dict):
            if node.get("additionalProperties") is not False:
                return f"In context={context!r}, 'additionalProperties' is required to be supplied and to be false."
            required: list[Any] = node["required"] if isinstance(node.get("required"), list) else []
            missing = [k for k in (props if isinstance(props, dict) else {}) if k not in required]
            if missing:
                return (f"In context={context!r}, 'required' is required to be supplied and to be an array including "
                        f"every key in properties. Missing '{missing[0]}'.")
        children: list[tuple[tuple[str, ...], Any]] = []
        for key in ("properties", "$defs", "definitions"):
            if isinstance(node.get(key), dict):
                children += [((*context, key, name), sub) for name, sub in node[key].items()]
        if "items" in node:
            children.append(((*context, "items"), node["items"]))
        for key in ("anyOf", "oneOf", "allOf"):
            if isinstance(node.get(key), list):
                children += [((*context, key, str(i)), sub) for i, sub in enumerate(node[key])]
        stack.extend(reversed(children))  # the first property first, as the API reads the schema
    return None


def check_strict(schema: Any, where: str, param: str, code: str) -> None:
    """A 400 for ``strict_problem``, naming ``where`` as the API does ("response_format 'answer'")."""
    if (problem := strict_problem(schema)) is not None:
        raise InvalidRequest(f"Invalid schema for {where}: {problem}", param=param, code=code)
