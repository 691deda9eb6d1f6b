"""Legacy ``POST /v1/completions`` through the official openai SDK (``client.completions``)."""

from __future__ import annotations

import openai
import pytest

from tests.fake_llm.server.spec_support import errors

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month."
LONG = ("[doc:plans-4 updated:2026-10-01] The Pro plan includes unlimited projects, priority support, single sign-on, "
        "audit logs, custom roles, daily backups and a dedicated account manager for every team.\n"
        "Question: What does the Pro plan include?\nAnswer:")


def test_a_completion_has_the_text_completion_shape_and_usage(client: openai.OpenAI) -> None:
    raw = client.completions.with_raw_response.create(
        model="gpt-3.5-turbo-instruct", prompt=PASSAGE + "\nQuestion: How much is the Pro plan?\nAnswer:",
        max_tokens=64)
    assert errors("CreateCompletionResponse", raw.http_response.json()) == []
    r = raw.parse()
    assert r.object == "text_completion" and r.id.startswith("cmpl-")
    assert r.model == "gpt-3.5-turbo-instruct-0914"
    assert "$49" in r.choices[0].text
    assert r.choices[0].finish_reason == "stop" and r.choices[0].logprobs is None
    assert r.usage is not None and r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_max_tokens_defaults_to_16_and_cuts_with_length(client: openai.OpenAI) -> None:
    whole = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=LONG, max_tokens=200)
    assert whole.usage is not None and whole.usage.completion_tokens > 16
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=LONG)
    assert r.usage is not None and r.usage.completion_tokens == 16
    assert r.choices[0].finish_reason == "length"


def test_a_list_of_prompts_gets_n_choices_each_in_prompt_order(client: openai.OpenAI) -> None:
    r = client.completions.create(model="babbage-002", prompt=["First question?", "Second question?"], n=2,
                                  max_tokens=5)
    assert [c.index for c in r.choices] == [0, 1, 2, 3]
    single = client.completions.create(model="babbage-002", prompt="Second question?", max_tokens=5)
    assert r.choices[2].text == single.choices[0].text


def test_echo_returns_the_prompt_before_the_completion(client: openai.OpenAI) -> None:
    r = client.completions.create(model="davinci-002", prompt="Once upon a time", echo=True, max_tokens=8)
    assert r.choices[0].text.startswith("Once upon a time")
    zero = client.completions.create(model="davinci-002", prompt="Once upon a time", echo=True, max_tokens=0,
                                     logprobs=0)
    assert zero.choices[0].text == "Once upon a time"
    assert zero.usage is not None and zero.usage.completion_tokens == 0
    lp = zero.choices[0].logprobs
    assert lp is not None and lp.token_logprobs is not None and lp.token_logprobs[0] is None
    assert lp.tokens is not None and "".join(lp.tokens) == "Once upon a time"


def test_logprobs_are_parallel_arrays_with_offsets_into_the_text(client: openai.OpenAI) -> None:
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello.", logprobs=3, max_tokens=10)
    lp, text = r.choices[0].logprobs, r.choices[0].text
    assert lp is not None and lp.tokens and lp.text_offset and lp.top_logprobs and lp.token_logprobs
    assert "".join(lp.tokens) == text
    assert all(text[offset:].startswith(tok) for tok, offset in zip(lp.tokens, lp.text_offset, strict=True))
    assert all(1 <= len(top) <= 3 for top in lp.top_logprobs)


def test_stop_ends_the_text_before_the_sequence(client: openai.OpenAI) -> None:
    plain = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PASSAGE + "\nHow much is Pro?",
                                      max_tokens=64)
    word = plain.choices[0].text.split()[1]
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PASSAGE + "\nHow much is Pro?",
                                  max_tokens=64, stop=[word])
    assert word not in r.choices[0].text and r.choices[0].finish_reason == "stop"


def test_suffix_is_accepted(client: openai.OpenAI) -> None:
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="def add(a, b):", suffix="\n\nprint(add)")
    assert r.choices[0].text


def test_streaming_sends_text_completion_chunks_then_usage_then_done(client: openai.OpenAI) -> None:
    whole = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello there", max_tokens=20)
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello there", max_tokens=20,
                                            stream=True, stream_options={"include_usage": True}))
    assert all(c.object == "text_completion" for c in chunks)
    assert "".join(c.choices[0].text for c in chunks if c.choices) == whole.choices[0].text
    assert chunks[-2].choices[0].finish_reason == whole.choices[0].finish_reason
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage
    assert all(c.usage is None for c in chunks[:-1])


def test_a_chat_model_on_completions_is_a_404_pointing_at_chat(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.completions.create(model="gpt-4o", prompt="hi")
    assert "v1/chat/completions" in caught.value.message
    assert caught.value.body == {"message": caught.value.body["message"], "type": "invalid_request_error",  # type: ignore[index]
                                 "param": "model", "code": None}


def test_a_completion_model_on_chat_is_a_404_pointing_at_completions(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="v1/completions"):
        client.chat.completions.create(model="davinci-002", messages=[{"role": "user", "content": "hi"}])


def test_an_unknown_model_is_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.completions.create(model="text-davinci-003", prompt="hi")
    assert caught.value.code == "model_not_found"


@pytest.mark.parametrize(("fields", "param", "code"), [
    ({"logprobs": 6}, "logprobs", "integer_above_max_value"),
    ({"n": 0}, "n", "integer_below_min_value"),
    ({"max_tokens": -1}, "max_tokens", "integer_below_min_value"),
    ({"temperature": 2.5}, "temperature", "decimal_above_max_value"),
    ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "array_above_max_length"),
    ({"best_of": 1, "n": 2}, "best_of", "invalid_value"),
    ({"stream_options": {"include_usage": True}}, "stream_options", "invalid_value"),
])
def test_invalid_fields_are_400s_naming_the_field(client: openai.OpenAI, fields: dict[str, object], param: str,
                                                  code: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", **fields)  # type: ignore[call-overload]
    assert (caught.value.param, caught.value.code) == (param, code)


def test_an_unknown_field_is_unrecognized(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="Unrecognized request argument supplied: messages"):
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi",
                                  extra_body={"messages": []})


def test_a_prompt_past_the_window_is_context_length_exceeded(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="word " * 5000)
    assert caught.value.code == "context_length_exceeded"
    assert "maximum context length is 4096 tokens" in caught.value.message
