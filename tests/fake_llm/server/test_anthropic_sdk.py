"""The official anthropic SDK, unmodified, against the fake provider over loopback."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest

from chaos.testing import FiredrillServer

PASSAGE = "[doc:hours-1 updated:2026-09-01] Support is open from 9am to 6pm CET, Monday to Friday."


@pytest.fixture
def client(firedrill_server: FiredrillServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=firedrill_server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)


def test_messages_answer_from_the_system_passage(client: anthropic.Anthropic) -> None:
    m = client.messages.create(model="fd-large", max_tokens=200, system=PASSAGE,
                               messages=[{"role": "user", "content": "When is support open?"}])
    assert m.id.startswith("msg_") and m.type == "message" and m.role == "assistant"
    assert m.stop_reason == "end_turn"
    assert "9am to 6pm" in m.content[0].text  # type: ignore[union-attr]
    assert m.usage.input_tokens > 0 and m.usage.output_tokens > 0


def test_streaming_events_in_order(client: anthropic.Anthropic) -> None:
    with client.messages.stream(model="fd-large", max_tokens=200, system=PASSAGE,
                                messages=[{"role": "user", "content": "When is support open?"}]) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "content_block_delta" in kinds and "message_delta" in kinds
    assert "9am" in final.content[0].text  # type: ignore[union-attr]


def test_tool_use_block_with_object_input(client: anthropic.Anthropic) -> None:
    m = client.messages.create(
        model="fd-large", max_tokens=200,
        tools=[{"name": "lookup_invoice", "description": "Find an invoice",
                "input_schema": {"type": "object", "properties": {"invoice_id": {"type": "string"}}}}],
        tool_choice={"type": "any"},
        messages=[{"role": "user", "content": "Where is invoice 42?"}],
    )
    assert m.stop_reason == "tool_use"
    block = next(b for b in m.content if b.type == "tool_use")
    assert block.name == "lookup_invoice" and isinstance(block.input, dict)  # type: ignore[union-attr]


def test_streamed_tool_use_reassembles_input(client: anthropic.Anthropic) -> None:
    with client.messages.stream(
        model="fd-large", max_tokens=200, tool_choice={"type": "tool", "name": "lookup_invoice"},
        tools=[{"name": "lookup_invoice", "input_schema": {"type": "object",
                                                           "properties": {"invoice_id": {"type": "string"}}}}],
        messages=[{"role": "user", "content": "invoice 42"}],
    ) as stream:
        final = stream.get_final_message()
    block = next(b for b in final.content if b.type == "tool_use")
    assert "invoice_id" in block.input  # type: ignore[union-attr,operator]


def test_error_classes(firedrill_server: FiredrillServer, client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as bad:
        client.messages.create(model="fd-large", max_tokens=10, messages=[])
    assert bad.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
    with pytest.raises(anthropic.NotFoundError):
        client.messages.create(model="claude-unknown", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    firedrill_server.provider.api_keys = frozenset({"sk-ant-test"})
    wrong = anthropic.Anthropic(base_url=firedrill_server.anthropic_base_url, api_key="nope", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        wrong.messages.create(model="fd-large", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    with firedrill_server.fault("rate_limit", retry_after_s=0), pytest.raises(anthropic.RateLimitError) as limited:
        client.messages.create(model="fd-large", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert limited.value.body["error"]["type"] == "rate_limit_error"  # type: ignore[index]
    assert limited.value.response.headers["request-id"].startswith("req_")


def test_a_matched_stop_sequence_is_reported(client: anthropic.Anthropic) -> None:
    m = client.messages.create(model="claude-sonnet-4-5", max_tokens=200, stop_sequences=["6pm"], system=PASSAGE,
                               messages=[{"role": "user", "content": "When is support open?"}])
    assert (m.stop_reason, m.stop_sequence) == ("stop_sequence", "6pm")
    assert "6pm" not in m.content[0].text  # type: ignore[union-attr]
    with client.messages.stream(model="claude-sonnet-4-5", max_tokens=200, stop_sequences=["6pm"], system=PASSAGE,
                                messages=[{"role": "user", "content": "When is support open?"}]) as stream:
        final = stream.get_final_message()
    assert (final.stop_reason, final.stop_sequence) == ("stop_sequence", "6pm")


def test_message_delta_carries_the_whole_usage(client: anthropic.Anthropic) -> None:
    events = list(client.messages.create(model="claude-sonnet-4-5", max_tokens=200, stream=True, system=PASSAGE,
                                         messages=[{"role": "user", "content": "When is support open?"}]))
    start = next(e for e in events if e.type == "message_start")
    delta = next(e for e in events if e.type == "message_delta")
    assert delta.usage.input_tokens == start.message.usage.input_tokens > 0  # type: ignore[union-attr]
    assert delta.usage.output_tokens > 1 and delta.usage.cache_read_input_tokens == 0  # type: ignore[union-attr]


def test_thinking_blocks_when_thinking_is_asked(client: anthropic.Anthropic) -> None:
    ask = {"model": "claude-sonnet-4-5", "max_tokens": 2000, "thinking": {"type": "enabled", "budget_tokens": 1024},
           "messages": [{"role": "user", "content": "When is support open?"}], "system": PASSAGE}
    m = client.messages.create(**ask)  # type: ignore[arg-type]
    assert [b.type for b in m.content] == ["thinking", "text"]
    thinking = m.content[0]
    assert thinking.thinking and thinking.signature  # type: ignore[union-attr]
    with client.messages.stream(**ask) as stream:  # type: ignore[arg-type]
        final = stream.get_final_message()
    assert final.content[0].signature == thinking.signature  # type: ignore[union-attr]
    # the thinking block goes back in the next turn, as clients send it
    again = client.messages.create(**{**ask, "messages": [  # type: ignore[arg-type]
        *ask["messages"], {"role": "assistant", "content": [b.model_dump() for b in m.content]},  # type: ignore[list-item]
        {"role": "user", "content": "Thanks!"}]})
    assert again.stop_reason == "end_turn"
    assert [b.type for b in client.messages.create(**{**ask, "thinking": {"type": "disabled"}}).content] == ["text"]  # type: ignore[arg-type]


def test_count_tokens_matches_the_billed_input(client: anthropic.Anthropic) -> None:
    ask = {"model": "claude-sonnet-4-5", "system": PASSAGE, "messages": [{"role": "user", "content": "When?"}]}
    counted = client.messages.count_tokens(**ask)  # type: ignore[arg-type]
    billed = client.messages.create(max_tokens=100, **ask)  # type: ignore[arg-type]
    assert counted.input_tokens == billed.usage.input_tokens > 0


def test_cache_control_writes_then_reads_the_prefix(client: anthropic.Anthropic) -> None:
    policy = "Refunds are possible within thirty days of purchase on every plan. " * 150
    ask = {"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [{"role": "user", "content": "Refunds?"}],
           "system": [{"type": "text", "text": policy, "cache_control": {"type": "ephemeral"}}]}
    first = client.messages.create(**ask)  # type: ignore[arg-type]
    second = client.messages.create(**ask)  # type: ignore[arg-type]
    assert first.usage.cache_creation_input_tokens and first.usage.cache_creation_input_tokens >= 1024
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0 and second.usage.input_tokens == first.usage.input_tokens
    plain = client.messages.create(**{**ask, "system": policy})  # type: ignore[arg-type]
    assert plain.usage.cache_read_input_tokens == 0 and plain.usage.cache_creation_input_tokens == 0


def test_structured_output_follows_the_schema(client: anthropic.Anthropic) -> None:
    schema = {"type": "object", "properties": {"opens": {"type": "string"}, "days": {"type": "integer"}},
              "required": ["opens", "days"], "additionalProperties": False}
    m = client.messages.create(model="claude-sonnet-4-5", max_tokens=300, system=PASSAGE,
                               messages=[{"role": "user", "content": "When is support open?"}],
                               output_config={"format": {"type": "json_schema", "schema": schema}})
    doc = json.loads(m.content[0].text)  # type: ignore[union-attr]
    assert set(doc) == {"opens", "days"} and isinstance(doc["days"], int)


def test_models_in_anthropics_shape(client: anthropic.Anthropic) -> None:
    page = client.models.list(limit=3)
    assert len(page.data) == 3 and page.has_more and page.first_id == page.data[0].id
    assert all(m.type == "model" and m.display_name and m.created_at for m in page.data)
    names = [m.id for m in client.models.list(limit=1000).data]
    assert "claude-sonnet-4-5" in names and not any(n.startswith("gpt-") for n in names)
    assert client.models.retrieve("claude-sonnet-4-5").display_name == "Claude Sonnet 4.5"
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("claude-nope")


def test_beta_messages_accept_fallbacks_and_the_new_models(client: anthropic.Anthropic) -> None:
    """The beta API's fallback fields are accepted (the named model answers) on claude-opus-4-6."""
    m = client.beta.messages.create(model="claude-opus-4-6", max_tokens=100, fallback_credit_token="tok",
                                    fallbacks=[{"model": "claude-sonnet-4-6"}],  # type: ignore[list-item]
                                    messages=[{"role": "user", "content": "Hi"}])
    assert m.model == "claude-opus-4-6" and m.stop_reason == "end_turn"
    again = client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=100, fallbacks="default",
                                        messages=[{"role": "user", "content": "Hi"}])
    assert again.model == "claude-sonnet-4-6"
    with pytest.raises(anthropic.BadRequestError):
        client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=100, fallbacks="all",  # type: ignore[arg-type]
                                    messages=[{"role": "user", "content": "Hi"}])


def test_the_sdks_tool_runner_holds_its_conversation_in_a_message_thread(client: anthropic.Anthropic) -> None:
    """``tool_runner`` threads by default (beta message threads): the first turn asks the server to hold
    the conversation, the next sends only the tool result and continues from the reply's id."""
    asked: list[str] = []

    @anthropic.beta_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        asked.append(city)
        return f"Windy, 5°C in {city}"

    sent: list[dict[str, Any]] = []
    client = client.with_options(http_client=anthropic.DefaultHttpxClient(event_hooks={
        "request": [lambda request: sent.append(json.loads(request.content))]}))
    runner = client.beta.messages.tool_runner(model="claude-sonnet-4-5", max_tokens=500, tools=[get_weather],
                                              system="You are terse.",
                                              messages=[{"role": "user", "content": "What's the weather in Oslo?"}])
    replies = list(runner)
    assert asked == ["Oslo"] and len(replies) == 2
    assert "Windy, 5°C" in replies[-1].content[0].text  # type: ignore[union-attr]
    first, second = sent
    assert first["thread"] == {"type": "create"}
    assert second["thread"] == {"type": "continue", "previous_message_id": replies[0].id}
    assert "system" not in second and "tools" not in second and len(second["messages"]) == 1


def test_a_thread_the_server_does_not_hold_is_thread_not_found(firedrill_server: FiredrillServer) -> None:
    import httpx

    hi = [{"role": "user", "content": "hi"}]
    r = httpx.post(f"{firedrill_server.url}/v1/messages", headers={"x-api-key": "k"},
                   json={"model": "claude-sonnet-4-5", "max_tokens": 50, "messages": hi,
                         "thread": {"type": "continue", "previous_message_id": "msg_nope"}})
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "not_found_error"
    assert r.json()["error"]["details"] == {"error_code": "thread_not_found"}
    made = httpx.post(f"{firedrill_server.url}/v1/messages", headers={"x-api-key": "k"},
                      json={"model": "claude-sonnet-4-5", "max_tokens": 50, "system": "Be brief.",
                            "messages": hi, "thread": {"type": "create"}}).json()
    r = httpx.post(f"{firedrill_server.url}/v1/messages", headers={"x-api-key": "k"},
                   json={"model": "claude-sonnet-4-5", "max_tokens": 50, "system": "Be brief.",
                         "messages": [{"role": "user", "content": "and?"}],
                         "thread": {"type": "continue", "previous_message_id": made["id"]}})
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("system: ")
