"""The vendored OpenAI spec subset as JSON Schema: load it once, validate a body against a component."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "openai-openapi-subset.json"
BASE = "urn:openai-openapi"


def _nullable(node: Any) -> Any:
    """The spec mixes OpenAPI 3.0's ``nullable: true`` into 3.1 schemas; JSON Schema spells it as a
    ``null`` alternative, so rewrite it that way before validating."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


@cache
def _registry() -> Registry:
    return Registry().with_resource(BASE, Resource.from_contents(_nullable(spec()), default_specification=DRAFT202012))


def errors(component: str, instance: Any) -> list[str]:
    """Every way ``instance`` fails the spec's ``components/schemas/<component>``, as readable lines."""
    validator = jsonschema.Draft202012Validator({"$ref": f"{BASE}#/components/schemas/{component}"},
                                                registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(instance)]


@cache
def _event_components() -> dict[str, str]:
    """Streamed event type (``response.created``…) -> the spec component that describes it."""
    schemas = spec()["components"]["schemas"]
    union = schemas["ResponseStreamEvent"]
    out = {}
    for member in union.get("anyOf") or union.get("oneOf") or []:
        name = member["$ref"].rsplit("/", 1)[-1]
        for kind in schemas[name].get("properties", {}).get("type", {}).get("enum", []):
            out[kind] = name
    return out


def event_errors(event: dict[str, Any]) -> list[str]:
    """``errors`` for one streamed Responses event, against the component of its own type."""
    component = _event_components().get(event.get("type", ""))
    return [f"unknown event type {event.get('type')!r}"] if component is None else errors(component, event)
