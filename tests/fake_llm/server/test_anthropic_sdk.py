"""The official anthropic SDK, unmodified, against the fake provider over loopback."""

from __future__ import annotations

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
