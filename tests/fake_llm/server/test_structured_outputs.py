"""Structured outputs through the SDKs' own helpers: parse(), its stream helper, instructor, JSON mode."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Literal

import openai
import pytest
from pydantic import BaseModel, Field

from chaos.testing import FiredrillServer

TICKET = ("[doc:t-88 updated:2026-10-02] Ticket 88 was opened by Maria Lopez on 2026-10-01 from Madrid. "
          "The export job fails with a timeout after 30 seconds.")


class Priority(StrEnum):
    low = "low"
    high = "high"


class Reporter(BaseModel):
    name: str
    city: str
    email: str | None = None


class Step(BaseModel):
    action: str
    done: bool


class Triage(BaseModel):
    ticket_id: int
    reporter: Reporter
    opened_on: str = Field(description="ISO date")
    priority: Priority
    category: Literal["bug", "question", "billing"]
    summary: str
    steps: list[Step] = Field(min_length=2)
    parent: Triage | None = None


MESSAGES = [{"role": "system", "content": "Triage the ticket.\n" + TICKET},
            {"role": "user", "content": "Triage ticket 88: the export job fails, high priority bug."}]


def test_parse_fills_nested_models_with_values_from_the_context(client: openai.OpenAI) -> None:
    r = client.chat.completions.parse(model="gpt-4o-2024-08-06", messages=MESSAGES,  # type: ignore[arg-type]
                                      response_format=Triage)
    assert r.model == "gpt-4o-2024-08-06" and r.choices[0].finish_reason == "stop"
    triage = r.choices[0].message.parsed
    assert triage is not None and triage.ticket_id == 88
    assert triage.reporter.name == "Maria Lopez" and triage.reporter.city == "Madrid"
    assert triage.opened_on == "2026-10-01" and triage.priority is Priority.high and triage.category == "bug"
    assert len(triage.steps) >= 2 and triage.parent is None


def test_the_parse_stream_helper_yields_the_same_object(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES,  # type: ignore[arg-type]
                                        response_format=Triage) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.parsed == client.chat.completions.parse(
        model="gpt-4o", messages=MESSAGES, response_format=Triage).choices[0].message.parsed  # type: ignore[arg-type]


def test_instructor_returns_the_nested_model(server: FiredrillServer) -> None:
    import instructor

    client = instructor.from_openai(openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test",
                                                  max_retries=0))
    for mode in (instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA):
        patched = instructor.patch(openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test",
                                                 max_retries=0), mode=mode)
        triage = patched.chat.completions.create(model="gpt-4o-mini", response_model=Triage,  # type: ignore[call-overload]
                                                 messages=MESSAGES, max_retries=0)
        assert triage.reporter.name == "Maria Lopez" and triage.ticket_id == 88
    assert client is not None


def test_a_schema_that_would_explode_ends_with_length(client: openai.OpenAI) -> None:
    # small enough for the edge's expansion check (a real API takes it), too big for one reply
    bomb = {"type": "object", "properties": {"rows": {"type": "array", "minItems": 60, "items": {
        "type": "array", "minItems": 60, "items": {"type": "string"}}}},
        "required": ["rows"], "additionalProperties": False}
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "fill it"}],
                                       response_format={"type": "json_schema",
                                                        "json_schema": {"name": "bomb", "schema": bomb}})
    assert r.choices[0].finish_reason == "length"
    assert len(r.choices[0].message.content or "") < 200_000
    with pytest.raises(openai.LengthFinishReasonError):
        client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                      response_format=Triage, max_completion_tokens=20)


def test_json_mode_follows_the_keys_the_prompt_asks_for(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="gpt-4o-mini", response_format={"type": "json_object"},
        messages=[{"role": "system", "content": "Return JSON with keys name, age and city."},
                  {"role": "user", "content": "Extract: Tom Becker is 41 and lives in Hamburg."}])
    assert json.loads(r.choices[0].message.content or "") == {"name": "Tom Becker", "age": 41, "city": "Hamburg"}


def test_json_mode_follows_an_example_object(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="gpt-4o-mini", response_format={"type": "json_object"},
        messages=[{"role": "user", "content": 'Reply in JSON like {"title": "...", "tags": ["..."], "year": 2020}. '
                                              "The film: Arrival (2016), science fiction."}])
    out = json.loads(r.choices[0].message.content or "")
    assert set(out) == {"title", "tags", "year"} and out["year"] == 2016 and isinstance(out["tags"], list)


def test_anthropic_structured_output_parses_into_the_model(server: FiredrillServer) -> None:
    import anthropic

    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    m = client.messages.parse(model="claude-sonnet-4-5", max_tokens=2000, system="Triage the ticket.\n" + TICKET,
                              messages=[{"role": "user", "content": MESSAGES[1]["content"]}], output_format=Triage)
    triage = m.parsed_output
    assert triage is not None and triage.reporter.name == "Maria Lopez" and triage.ticket_id == 88
    assert m.stop_reason == "end_turn" and m.model == "claude-sonnet-4-5-20250929"


def test_instructor_modes_that_write_the_schema_into_the_prompt_get_an_instance(server: FiredrillServer) -> None:
    """instructor's JSON, Markdown-JSON and Anthropic JSON modes put the response model's JSON Schema in
    the system prompt and ask for an instance of it: a model answers with one, not the schema's shape."""
    import anthropic
    import instructor

    for mode in (instructor.Mode.JSON, instructor.Mode.MD_JSON):
        patched = instructor.from_openai(openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test",
                                                       max_retries=0), mode=mode)
        triage = patched.chat.completions.create(model="gpt-4o-mini", response_model=Triage,  # type: ignore[call-overload]
                                                 messages=MESSAGES, max_retries=0)
        assert triage.reporter.name == "Maria Lopez" and triage.ticket_id == 88
        assert "$defs" not in triage.model_dump_json() and "title" not in triage.summary.lower()
    claude = instructor.from_anthropic(anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test",
                                                           max_retries=0), mode=instructor.Mode.ANTHROPIC_JSON)
    triage = claude.messages.create(model="claude-sonnet-4-5", max_tokens=2000, response_model=Triage,  # type: ignore[call-overload]
                                    system="Triage the ticket.\n" + TICKET, max_retries=0,
                                    messages=[{"role": "user", "content": MESSAGES[1]["content"]}])
    assert triage.reporter.name == "Maria Lopez" and triage.ticket_id == 88


def test_a_schema_quoted_in_a_question_about_it_is_not_answered_as_json(client: openai.OpenAI) -> None:
    schema = json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[
        {"role": "user", "content": f"What does this JSON Schema mean? {schema}"}])
    assert not (r.choices[0].message.content or "").startswith("{")
