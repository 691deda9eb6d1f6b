"""The official openai SDK, unmodified, against the fake provider over loopback."""

from __future__ import annotations

import base64
import math
import struct

import openai
import pytest
from pydantic import BaseModel

from chaos.testing import FiredrillServer

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month. The Team plan costs $99 per month."
SYSTEM = "You are the support assistant. Answer only from the context."


@pytest.fixture
def client(firedrill_server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=0)


def test_a_passage_grounded_question_gets_the_passage_answer(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="fd-large",
        messages=[{"role": "system", "content": SYSTEM + "\n" + PASSAGE},
                  {"role": "user", "content": "How much does the Pro plan cost?"}],
    )
    assert "$49" in (r.choices[0].message.content or "")
    assert r.id.startswith("chatcmpl-") and r.object == "chat.completion"
    assert r.model == "fd-large-2026-09-01" and r.system_fingerprint == "fp_fdl0901"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage is not None and r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_the_same_question_without_the_passage_does_not_get_it(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="fd-large", messages=[{"role": "system", "content": SYSTEM},
                                    {"role": "user", "content": "How much does the Pro plan cost?"}])
    assert "$49" not in (r.choices[0].message.content or "")
    assert "don't know" in (r.choices[0].message.content or "")


def test_same_input_gives_the_same_output(client: openai.OpenAI) -> None:
    ask = {"model": "fd-small", "messages": [{"role": "user", "content": "What is the refund window?"}]}
    a = client.chat.completions.create(**ask)  # type: ignore[call-overload]
    b = client.chat.completions.create(**ask)  # type: ignore[call-overload]
    assert a.choices[0].message.content == b.choices[0].message.content


def test_streaming_text_with_usage_and_done(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="fd-large", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Team plan?"}],
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "$99" in text
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_order_status", "description": "Look up the status of an order",
    "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}, "verbose": {"type": "boolean"}},
                   "required": ["order_id"]}}}


def test_tool_calls_have_json_string_arguments(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(model="fd-large", tools=[WEATHER_TOOL],  # type: ignore[list-item]
                                       messages=[{"role": "user", "content": "What is the status of order 1234?"}])
    choice = r.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.id.startswith("call_") and call.function.name == "get_order_status"  # type: ignore[union-attr]
    import json
    # arguments come from the user's words; the optional flag nobody mentioned is left out
    assert json.loads(call.function.arguments) == {"order_id": "1234"}  # type: ignore[union-attr]


def test_streamed_tool_call_deltas_reassemble(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model="fd-large", tools=[WEATHER_TOOL],  # type: ignore[list-item]
                                        messages=[{"role": "user", "content": "order status for A-17?"}]) as s:
        final = s.get_final_completion()
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_order_status"
    assert isinstance(call.function.parsed_arguments, dict) or call.function.arguments.startswith("{")


class Answer(BaseModel):
    answer: str
    confidence: float
    sources: list[str]


def test_json_schema_output_parses_into_the_model(client: openai.OpenAI) -> None:
    r = client.chat.completions.parse(
        model="fd-large", response_format=Answer,
        messages=[{"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}],
    )
    parsed = r.choices[0].message.parsed
    assert parsed is not None and "$49" in parsed.answer


def test_json_mode_returns_a_json_object(client: openai.OpenAI) -> None:
    import json
    r = client.chat.completions.create(model="fd-small", response_format={"type": "json_object"},
                                       messages=[{"role": "user", "content": "Reply in JSON: what is up?"}])
    assert isinstance(json.loads(r.choices[0].message.content or ""), dict)


def test_embeddings_default_base64_and_float_agree(client: openai.OpenAI) -> None:
    default = client.embeddings.create(model="fd-embed", input=["refund policy for orders", "refund orders policy",
                                                                "the weather on mars"])
    vecs = [d.embedding for d in default.data]
    assert len(vecs[0]) == 256 and math.isclose(sum(v * v for v in vecs[0]), 1.0, rel_tol=1e-4)

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(vecs[0], vecs[1]) > cos(vecs[0], vecs[2])
    raw = client.embeddings.with_raw_response.create(model="fd-embed", input="refund policy for orders",
                                                     encoding_format="base64")
    b64 = raw.http_response.json()["data"][0]["embedding"]
    decoded = struct.unpack("<256f", base64.b64decode(b64))
    assert all(math.isclose(x, y, abs_tol=1e-6) for x, y in zip(decoded, vecs[0], strict=True))


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"fd-large", "fd-small", "fd-large-2026-09-01", "gpt-4o-mini"} <= ids
    assert client.models.retrieve("fd-large").id == "fd-large"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")


def test_error_classes_for_400_401_404_429(firedrill_server: FiredrillServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="fd-large", messages=[])
    assert bad.value.body["param"] == "messages"  # type: ignore[index]
    firedrill_server.provider.api_keys = frozenset({"sk-test"})
    wrong_key = openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as unauthorised:
        wrong_key.chat.completions.create(model="fd-large", messages=[{"role": "user", "content": "hi"}])
    assert unauthorised.value.code == "invalid_api_key"
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert missing.value.code == "model_not_found"
    with firedrill_server.fault("rate_limit", retry_after_s=0), pytest.raises(openai.RateLimitError) as limited:
        client.chat.completions.create(model="fd-large", messages=[{"role": "user", "content": "hi"}])
    assert limited.value.code == "rate_limit_exceeded"
    assert limited.value.response.headers["retry-after-ms"] == "0"


def test_every_optional_parameter_the_sdk_can_send_is_accepted(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="fd-large", messages=[{"role": "developer", "content": "Be brief."},
                                    {"role": "user", "content": [{"type": "text", "text": "hello"}]}],
        frequency_penalty=0.5, presence_penalty=-0.5, logit_bias={"1": 2}, logprobs=False,
        max_completion_tokens=40, metadata={"team": "sre"}, modalities=["text"], n=2, parallel_tool_calls=True,
        reasoning_effort="low", seed=-9007199254740991, service_tier="auto", stop=["\n\n"], store=False,
        temperature=0.2, top_p=0.9, user="u-1", prediction=None, top_logprobs=None, verbosity="low",
    )
    assert len(r.choices) == 2


def test_max_tokens_truncates_with_finish_reason_length(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(model="fd-large", max_tokens=3,
                                       messages=[{"role": "system", "content": PASSAGE},
                                                 {"role": "user", "content": "How much is the Pro plan?"}])
    assert r.choices[0].finish_reason == "length" and r.usage is not None and r.usage.completion_tokens <= 3


def test_streamed_usage_reports_cached_prompt_tokens_as_the_whole_answer_does(client: openai.OpenAI) -> None:
    """The final usage chunk carries prompt_tokens_details.cached_tokens: 0 on a cold prefix, the
    cached prefix on a repeat, the same figures as the non-streamed answer would give."""
    policy = "Refunds are issued within 14 days of purchase for annual plans. " * 200  # > 1,024 tokens
    messages = [{"role": "system", "content": policy}, {"role": "user", "content": "How long do refunds take?"}]

    def streamed_usage() -> openai.types.CompletionUsage:
        chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=messages,  # type: ignore[arg-type]
                                                     stream=True, stream_options={"include_usage": True}))
        usage = chunks[-1].usage
        assert usage is not None and usage.prompt_tokens_details is not None
        return usage

    cold = streamed_usage()
    warm = streamed_usage()
    assert cold.prompt_tokens_details.cached_tokens == 0  # type: ignore[union-attr]
    cached = warm.prompt_tokens_details.cached_tokens  # type: ignore[union-attr]
    assert cached and cached % 128 == 0 and cached < warm.prompt_tokens
    whole = client.chat.completions.create(model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
    assert whole.usage.prompt_tokens_details.cached_tokens == cached  # type: ignore[union-attr]


def test_stored_chat_completions_list_retrieve_update_messages_delete(firedrill_server: FiredrillServer) -> None:
    client = openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=0)
    assert client.chat.completions.list().data == []
    kept = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}],
                                          store=True, metadata={"team": "billing"})
    other = client.chat.completions.create(model="gpt-4o-mini", store=True, messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])  # not stored
    streamed = list(client.chat.completions.create(model="gpt-4o", store=True, stream=True,
                                                   messages=[{"role": "user", "content": "Hello again"}]))
    assert [c.id for c in client.chat.completions.list()] == [kept.id, other.id, streamed[0].id]
    newest = client.chat.completions.list(order="desc", limit=1)
    assert [c.id for c in newest.data] == [streamed[0].id] and newest.has_more
    assert [c.id for c in client.chat.completions.list(metadata={"team": "billing"})] == [kept.id]
    assert [c.id for c in client.chat.completions.list(model="gpt-4o-mini")] == [other.id]
    again = client.chat.completions.retrieve(kept.id)
    assert again.choices[0].message.content == kept.choices[0].message.content and again.metadata == {"team": "billing"}
    assert client.chat.completions.update(kept.id, metadata={"team": "support"}).metadata == {"team": "support"}
    assert [(m.role, m.content) for m in client.chat.completions.messages.list(other.id)] == [
        ("system", "Be brief."), ("user", "Hi")]
    assert client.chat.completions.delete(kept.id).deleted
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.retrieve(kept.id)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.delete("chatcmpl-unknown")
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.list(limit=0)
    assert err.value.param == "limit"  # type: ignore[attr-defined]
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.update(other.id, metadata={"k": 5})  # type: ignore[dict-item]
