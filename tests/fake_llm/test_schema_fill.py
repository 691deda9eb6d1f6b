"""Any JSON Schema the SDKs generate gets a value that validates, from the text where it can, in bounded work."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

import jsonschema
import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, Field

from fake_llm.schema_fill import fill_schema


class Colour(StrEnum):
    red = "red"
    blue = "blue"


class Address(BaseModel):
    street: str
    city: str
    zip: str = Field(pattern=r"^\d{5}$")


class Node(BaseModel):
    label: str
    children: list[Node] = []


class Person(BaseModel):
    name: str
    age: int = Field(ge=0, le=130)
    email: str | None = None
    born: date
    seen: datetime
    id: UUID
    favourite: Colour
    kind: Literal["a", "b"]
    addresses: list[Address] = Field(min_length=2, max_length=3)
    scores: dict[str, float]
    tree: Node
    friend: Person | None = None


TEXT = "My name is Dana Scully, I am 34 and live in Washington. Born 1964-02-23, email dana@fbi.gov. Blue, always."

HAND_WRITTEN: list[dict[str, Any]] = [
    {"type": "object", "properties": {"n": {"type": "integer", "exclusiveMinimum": 10, "multipleOf": 7}},
     "required": ["n"], "additionalProperties": False},
    {"type": "array", "items": {"enum": ["x", "y", "z"]}, "minItems": 3, "uniqueItems": True},
    {"type": ["string", "null"], "minLength": 12, "maxLength": 14},
    {"oneOf": [{"type": "object", "properties": {"kind": {"const": "cat"}}, "required": ["kind"]},
               {"type": "object", "properties": {"kind": {"const": "dog"}}, "required": ["kind"]}]},
    {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
               {"properties": {"b": {"type": "number", "maximum": -5}}, "required": ["b"]}]},
    {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"},
                                      "site": {"type": "string", "format": "uri"},
                                      "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2}$"}},
     "required": ["when", "site", "code"]},
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}], "minItems": 2},
    {"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}},
]


@pytest.mark.parametrize("schema", [Person.model_json_schema(), to_strict_json_schema(Person), *HAND_WRITTEN],
                         ids=lambda s: json.dumps(s)[:40])
def test_the_value_validates(schema: dict[str, Any]) -> None:
    filled = fill_schema(schema, TEXT, random.Random(3), answer="An answer.")
    jsonschema.validate(filled.value, schema, format_checker=jsonschema.FormatChecker())
    assert not filled.truncated


def test_values_come_from_the_text() -> None:
    person = Person.model_validate(fill_schema(Person.model_json_schema(), TEXT, random.Random(0)).value)
    assert (person.name, person.age, person.email, person.born) == ("Dana Scully", 34, "dana@fbi.gov",
                                                                    date(1964, 2, 23))
    assert person.favourite is Colour.blue and person.addresses[0].city == "Washington"
    assert person.friend is None and person.tree.children == []  # recursion stops at the first level


def test_a_nested_min_items_bomb_is_cut_short_not_expanded() -> None:
    bomb = {"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000,
                                                         "items": {"type": "array", "minItems": 1000}}}
    filled = fill_schema(bomb, "x", random.Random(0))
    assert filled.truncated and len(json.dumps(filled.value)) < 100_000


def test_same_schema_text_and_seed_give_the_same_value() -> None:
    schema = Person.model_json_schema()
    assert fill_schema(schema, TEXT, random.Random(5)).value == fill_schema(schema, TEXT, random.Random(5)).value


def test_constraints_the_anthropic_sdk_moves_into_descriptions_are_still_met() -> None:
    from anthropic.lib._parse._transform import transform_schema

    sent = transform_schema(Person.model_json_schema())  # minItems 2, pattern, ge/le become description text
    person = Person.model_validate(fill_schema(sent, TEXT, random.Random(1)).value)
    assert len(person.addresses) >= 2 and person.addresses[0].zip.isdigit()


GUARDRAIL = {"type": "object", "properties": {"is_homework": {"type": "boolean"}, "reasoning": {"type": "string"}},
             "required": ["is_homework", "reasoning"]}


@pytest.mark.parametrize(("question", "raised"), [("What's the weather in Paris?", False),
                                                  ("Can you solve my algebra homework for me?", True)])
def test_an_alarm_flag_is_raised_by_the_users_words_not_by_the_instructions(question: str, raised: bool) -> None:
    """A guardrail's ``is_homework`` that was true for every input tripped on every request."""
    text = f"{question}\nCheck if the user is asking you to do their homework."
    value = fill_schema(GUARDRAIL, text, random.Random(0), question=question).value
    assert value["is_homework"] is raised
