"""Legacy ``POST /v1/completions`` through the official openai SDK (``client.completions``)."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from chaos.testing import FiredrillServer
from tests.fake_llm.server.spec_support import errors

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month."
QUESTION = PASSAGE + "\nQuestion: How much is the Pro plan?\nAnswer:"
LONG = ("[doc:plans-4 updated:2026-10-01] The Pro plan includes unlimited projects, priority support, single sign-on, "
        "audit logs, custom roles, daily backups and a dedicated account manager for every team.\n"
        "Question: What does the Pro plan include?\nAnswer:")


def test_a_completion_has_the_text_completion_shape_and_usage(client: openai.OpenAI) -> None:
    raw = client.completions.with_raw_response.create(model="gpt-3.5-turbo-instruct", prompt=QUESTION, max_tokens=64)
    assert errors("CreateCompletionResponse", raw.http_response.json()) == []
    r = raw.parse()
    assert r.object == "text_completion" and r.id.startswith("cmpl-")
    assert r.model == "gpt-3.5-turbo-instruct"  # the API answers as the name asked for, not a dated snapshot
    assert "$49" in r.choices[0].text
    assert r.choices[0].finish_reason == "stop" and r.choices[0].logprobs is None
    assert r.usage is not None and r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_after_a_prompt_not_ending_in_whitespace_the_text_starts_a_new_paragraph(client: openai.OpenAI) -> None:
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello.", max_tokens=10)
    assert r.choices[0].text.startswith("\n\n") and r.choices[0].text.strip()


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


def test_token_prompts_are_billed_one_token_per_id(client: openai.OpenAI) -> None:
    one = client.completions.create(model="davinci-002", prompt=[1212, 318, 257, 1332, 13], max_tokens=4)
    assert one.usage is not None and one.usage.prompt_tokens == 5 and len(one.choices) == 1
    two = client.completions.create(model="davinci-002", prompt=[[1212, 318, 257], [1332, 13]], max_tokens=4)
    assert two.usage is not None and two.usage.prompt_tokens == 5 and len(two.choices) == 2


def test_echo_returns_the_prompt_before_the_completion(client: openai.OpenAI) -> None:
    r = client.completions.create(model="davinci-002", prompt="Once upon a time", echo=True, max_tokens=8)
    assert r.choices[0].text.startswith("Once upon a time") and len(r.choices[0].text) > len("Once upon a time")
    zero = client.completions.create(model="davinci-002", prompt="Once upon a time", echo=True, max_tokens=0,
                                     logprobs=0)
    assert zero.choices[0].text == "Once upon a time"
    assert zero.usage is not None and zero.usage.completion_tokens == 0
    lp = zero.choices[0].logprobs
    assert lp is not None and lp.token_logprobs is not None and lp.token_logprobs[0] is None
    assert lp.tokens is not None and "".join(lp.tokens) == "Once upon a time"
    assert lp.text_offset is not None and lp.text_offset[0] == 0  # the text starts with the prompt


def test_instruct_refuses_echo_with_logprobs(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError,
                       match="Setting 'echo' and 'logprobs' at the same time is not supported for this model"):
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Once upon a time", echo=True, logprobs=1)


def test_logprobs_are_parallel_arrays_with_offsets_counted_from_the_prompt(client: openai.OpenAI) -> None:
    prompt = "Say hello."
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompt, logprobs=3, max_tokens=10)
    lp, text = r.choices[0].logprobs, r.choices[0].text
    assert lp is not None and lp.tokens and lp.text_offset and lp.top_logprobs and lp.token_logprobs
    assert "".join(lp.tokens) == text
    assert lp.text_offset[0] == len(prompt)
    assert all((prompt + text)[offset:].startswith(tok) for tok, offset in zip(lp.tokens, lp.text_offset, strict=True))
    assert all(1 <= len(top) <= 3 for top in lp.top_logprobs)
    assert all(top[tok] == score for tok, score, top in zip(lp.tokens, lp.token_logprobs, lp.top_logprobs,
                                                           strict=True))


def test_stop_ends_the_text_before_the_sequence(client: openai.OpenAI) -> None:
    plain = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PASSAGE + "\nHow much is Pro?",
                                      max_tokens=64)
    word = plain.choices[0].text.split()[1]
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PASSAGE + "\nHow much is Pro?",
                                  max_tokens=64, stop=[word])
    assert word not in r.choices[0].text and r.choices[0].finish_reason == "stop"


def test_suffix_is_accepted_and_not_written_into_the_text(client: openai.OpenAI) -> None:
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="def add(a, b):", suffix="\n\nprint(add)")
    assert r.choices[0].text and "print(add)" not in r.choices[0].text


def test_best_of_returns_n_choices_and_bills_every_candidate(client: openai.OpenAI) -> None:
    plain = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=QUESTION, temperature=0)
    best = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=QUESTION, temperature=0, best_of=3)
    assert len(best.choices) == 1 and best.choices[0].text == plain.choices[0].text
    assert plain.usage is not None and best.usage is not None
    assert best.usage.completion_tokens == 3 * plain.usage.completion_tokens
    assert best.usage.prompt_tokens == plain.usage.prompt_tokens


def test_streaming_sends_text_completion_chunks_then_usage_then_done(client: openai.OpenAI) -> None:
    whole = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello there", max_tokens=20)
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello there", max_tokens=20,
                                            stream=True, stream_options={"include_usage": True}))
    assert all(c.object == "text_completion" for c in chunks)
    assert "".join(c.choices[0].text for c in chunks if c.choices) == whole.choices[0].text
    assert chunks[-2].choices[0].text == "" and chunks[-2].choices[0].finish_reason == whole.choices[0].finish_reason
    assert all(c.choices[0].finish_reason is None for c in chunks[:-2])
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage
    assert all(c.usage is None for c in chunks[:-1])


def test_a_stream_is_completion_objects_then_data_done(server: FiredrillServer) -> None:
    r = httpx.post(server.openai_base_url + "/completions", headers={"Authorization": "Bearer sk-test"},
                   json={"model": "gpt-3.5-turbo-instruct", "prompt": "Hello there", "stream": True, "logprobs": 1})
    events = [line for line in r.text.split("\n\n") if line]
    assert r.headers["content-type"].startswith("text/event-stream")
    assert events[-1] == "data: [DONE]" and all(e.startswith("data: {") for e in events[:-1])
    for event in events[:-1]:
        chunk = json.loads(event.removeprefix("data: "))
        # the spec types a finished choice; until its last chunk a streamed choice has finish_reason null
        finished = {**chunk, "choices": [{**c, "finish_reason": c["finish_reason"] or "stop"}
                                         for c in chunk["choices"]]}
        assert errors("CreateCompletionResponse", finished) == []


def test_streamed_logprobs_continue_the_offsets_and_end_with_empty_arrays(client: openai.OpenAI) -> None:
    prompt = "Hello there"
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompt, max_tokens=20,
                                            logprobs=2, stream=True))
    text = "".join(c.choices[0].text for c in chunks)
    offsets = [o for c in chunks for o in (c.choices[0].logprobs.text_offset or [])]  # type: ignore[union-attr]
    tokens = [t for c in chunks for t in (c.choices[0].logprobs.tokens or [])]  # type: ignore[union-attr]
    assert offsets[0] == len(prompt) and "".join(tokens) == text
    assert all((prompt + text)[o:].startswith(t) for t, o in zip(tokens, offsets, strict=True))
    last = chunks[-1].choices[0].logprobs
    assert last is not None and last.tokens == [] and last.token_logprobs == [] and last.text_offset == []


def test_n_streamed_choices_interleave_and_each_finishes(client: openai.OpenAI) -> None:
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello there", max_tokens=8,
                                            n=2, stream=True))
    finished = [c.choices[0].index for c in chunks if c.choices[0].finish_reason is not None]
    assert sorted(finished) == [0, 1]
    assert chunks[0].choices[0].index == 0 and chunks[1].choices[0].index == 1


def test_a_chat_model_on_completions_is_a_404_pointing_at_chat(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.completions.create(model="gpt-4o", prompt="hi")
    assert "v1/chat/completions" in caught.value.message
    assert caught.value.body == {"message": caught.value.body["message"], "type": "invalid_request_error",  # type: ignore[index]
                                 "param": "model", "code": None}


def test_an_embedding_model_on_completions_is_a_404_that_does_not_call_it_a_chat_model(
        client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.completions.create(model="text-embedding-3-small", prompt="hi")
    assert "chat model" not in caught.value.message and caught.value.param == "model"


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
    ({"best_of": 2, "stream": True}, "best_of", "invalid_value"),
    ({"stream_options": {"include_usage": True}}, "stream_options", "invalid_value"),
    ({"prompt": 5}, "prompt", "invalid_type"),
    ({"prompt": ["a", 1]}, "prompt[1]", "invalid_type"),
    ({"prompt": [[]]}, "prompt[0]", "empty_array"),
])
def test_invalid_fields_are_400s_naming_the_field(client: openai.OpenAI, fields: dict[str, object], param: str,
                                                  code: str) -> None:
    body: dict[str, object] = {"model": "gpt-3.5-turbo-instruct", "prompt": "hi", **fields}
    with pytest.raises(openai.BadRequestError) as caught:
        client.post("/completions", body=body, cast_to=object)
    assert (caught.value.param, caught.value.code) == (param, code)


def test_more_completions_than_the_server_generates_per_request_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="at most 1024 per request") as caught:
        client.completions.create(model="babbage-002", prompt=["hi"] * 20, n=128)
    assert caught.value.param == "prompt"


def test_a_missing_prompt_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.post("/completions", body={"model": "gpt-3.5-turbo-instruct"}, cast_to=object)
    assert (caught.value.param, caught.value.code) == ("prompt", "missing_required_parameter")


def test_an_unknown_field_is_unrecognized(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="Unrecognized request argument supplied: messages"):
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi",
                                  extra_body={"messages": []})


def test_a_prompt_past_the_window_is_context_length_exceeded(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="word " * 5000)
    assert caught.value.code == "context_length_exceeded"
    assert "maximum context length is 4096 tokens" in caught.value.message


def test_each_prompt_of_a_batch_fits_the_window_on_its_own(client: openai.OpenAI) -> None:
    half = "word " * 2500  # two of these overflow 4096 together, each fits alone
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=[half, half], max_tokens=4)
    assert len(r.choices) == 2 and r.usage is not None and r.usage.prompt_tokens == 5000


# --- faults act on legacy completions as on chat ---------------------------------------------------------


def test_an_outage_fault_answers_legacy_completions_with_its_5xx(server: FiredrillServer,
                                                                 client: openai.OpenAI) -> None:
    with server.fault("outage", status=503), pytest.raises(openai.InternalServerError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi")
    assert caught.value.status_code == 503 and caught.value.type == "server_error"  # type: ignore[attr-defined]


def test_token_bloat_inflates_every_choice_and_the_billed_prompt(server: FiredrillServer,
                                                                 client: openai.OpenAI) -> None:
    ask = {"model": "gpt-3.5-turbo-instruct", "prompt": [QUESTION, "What is the Pro plan?"], "max_tokens": 200}
    normal = client.completions.create(**ask)  # type: ignore[call-overload]
    with server.fault("token_bloat", output_multiplier=4, input_multiplier=3):
        bloated = client.completions.create(**ask)  # type: ignore[call-overload]
    assert all(len(b.text) > 2 * len(n.text) for b, n in zip(bloated.choices, normal.choices, strict=True))
    assert bloated.usage.completion_tokens >= 3 * normal.usage.completion_tokens
    assert bloated.usage.prompt_tokens >= 2.5 * normal.usage.prompt_tokens


def test_a_truncated_stream_fault_cuts_a_streamed_completion_short(server: FiredrillServer,
                                                                   client: openai.OpenAI) -> None:
    def streamed() -> str:
        return "".join(c.choices[0].text for c in client.completions.create(
            model="gpt-3.5-turbo-instruct", prompt=QUESTION, max_tokens=64, stream=True))

    whole = streamed()
    with server.fault("stream_error", kind="truncated_stream"):
        cut = streamed()
    assert whole.startswith(cut) and len(cut) < len(whole)


def test_a_refusal_fault_is_what_the_text_says(server: FiredrillServer, client: openai.OpenAI) -> None:
    with server.fault("refusal", style="field", message="I can't help with that."):
        r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=QUESTION)
    assert r.choices[0].text.strip() == "I can't help with that." and r.choices[0].finish_reason == "stop"
