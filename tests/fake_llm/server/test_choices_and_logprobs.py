"""logprobs when asked, and n choices streamed and whole, as the OpenAI SDK reads them."""

from __future__ import annotations

import openai

from chaos.testing import FiredrillServer

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month."
ASK = [{"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}]


def _client(server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)


def test_logprobs_with_top_alternatives(firedrill_server: FiredrillServer) -> None:
    r = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK,  # type: ignore[arg-type]
                                                          logprobs=True, top_logprobs=3)
    content = r.choices[0].logprobs.content  # type: ignore[union-attr]
    assert content and "".join(t.token for t in content) == r.choices[0].message.content
    assert all(t.logprob <= 0 and len(t.top_logprobs) == 3 and t.top_logprobs[0].token == t.token for t in content)
    assert all(t.bytes == list(t.token.encode()) for t in content)
    plain = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK)  # type: ignore[arg-type]
    assert plain.choices[0].logprobs is None


def test_streamed_logprobs_ride_on_each_chunk(firedrill_server: FiredrillServer) -> None:
    stream = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK,  # type: ignore[arg-type]
                                                               logprobs=True, stream=True)
    tokens = [t.token for c in stream if c.choices and c.choices[0].logprobs
              for t in c.choices[0].logprobs.content or []]
    assert "".join(tokens).strip().startswith("The Pro plan costs $49")


def test_n_two_streams_every_index(firedrill_server: FiredrillServer) -> None:
    stream = _client(firedrill_server).chat.completions.create(
        model="gpt-4o", messages=ASK, n=2, stream=True, stream_options={"include_usage": True})  # type: ignore[arg-type]
    texts: dict[int, str] = {}
    finishes: dict[int, str | None] = {}
    usage = None
    for chunk in stream:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
            finishes[choice.index] = choice.finish_reason or finishes.get(choice.index)
    assert set(texts) == {0, 1} and texts[0] == texts[1] and "$49" in texts[0]
    assert finishes == {0: "stop", 1: "stop"}
    whole = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK, n=2)  # type: ignore[arg-type]
    assert [c.index for c in whole.choices] == [0, 1]
    assert usage is not None and usage.completion_tokens == whole.usage.completion_tokens  # type: ignore[union-attr]


def test_the_stream_helper_accumulates_both_choices(firedrill_server: FiredrillServer) -> None:
    with _client(firedrill_server).chat.completions.stream(model="gpt-4o", messages=ASK, n=2) as s:  # type: ignore[arg-type]
        final = s.get_final_completion()
    assert [c.index for c in final.choices] == [0, 1] and all("$49" in (c.message.content or "")
                                                             for c in final.choices)


def test_responses_api_logprobs_when_included(firedrill_server: FiredrillServer) -> None:
    client = _client(firedrill_server)
    r = client.responses.create(model="gpt-4o", input="How much is the Pro plan?", instructions=PASSAGE,
                                include=["message.output_text.logprobs"], top_logprobs=2)
    part = r.output[-1].content[0]  # type: ignore[union-attr]
    assert part.logprobs and "".join(t.token for t in part.logprobs) == part.text  # type: ignore[union-attr]
    assert all(len(t.top_logprobs) == 2 for t in part.logprobs)  # type: ignore[union-attr]
    plain = client.responses.create(model="gpt-4o", input="Hello")
    assert plain.output[-1].content[0].logprobs == []  # type: ignore[union-attr]
