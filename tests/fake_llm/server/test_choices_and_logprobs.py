"""logprobs when asked, and n choices streamed and whole, as the OpenAI SDK reads them: each choice
sampled on its own (same facts, its own wording, its own finish), the same ones again for the same request."""

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


def test_n_choices_are_sampled_apart_with_the_same_facts(firedrill_server: FiredrillServer) -> None:
    r = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK, n=3)  # type: ignore[arg-type]
    texts = [c.message.content or "" for c in r.choices]
    assert [c.index for c in r.choices] == [0, 1, 2] and len(set(texts)) == 3
    assert all("$49" in t for t in texts) and all(c.finish_reason == "stop" for c in r.choices)
    single = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK)  # type: ignore[arg-type]
    assert texts[0] == single.choices[0].message.content  # choice 0 is what n=1 gets
    assert r.usage is not None and single.usage is not None
    assert r.usage.prompt_tokens == single.usage.prompt_tokens
    assert r.usage.completion_tokens > 3 * single.usage.completion_tokens - 1  # every choice is billed


def test_n_choices_at_temperature_zero_are_the_same(firedrill_server: FiredrillServer) -> None:
    r = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK, n=2,  # type: ignore[arg-type]
                                                          temperature=0)
    assert r.choices[0].message.content == r.choices[1].message.content


def test_n_choices_are_the_same_again_for_the_same_request(firedrill_server: FiredrillServer) -> None:
    def ask() -> list[str | None]:
        r = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK, n=4)  # type: ignore[arg-type]
        return [c.message.content for c in r.choices]
    assert ask() == ask()


def test_n_two_streams_every_index_with_its_own_text_and_finish(firedrill_server: FiredrillServer) -> None:
    stream = _client(firedrill_server).chat.completions.create(
        model="gpt-4o", messages=ASK, n=2, stream=True, stream_options={"include_usage": True})  # type: ignore[arg-type]
    texts: dict[int, str] = {}
    finishes: dict[int, list[str]] = {}
    usage = None
    for chunk in stream:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
            if choice.finish_reason:
                finishes.setdefault(choice.index, []).append(choice.finish_reason)
    assert set(texts) == {0, 1} and texts[0] != texts[1] and all("$49" in t for t in texts.values())
    assert finishes == {0: ["stop"], 1: ["stop"]}
    whole = _client(firedrill_server).chat.completions.create(model="gpt-4o", messages=ASK, n=2)  # type: ignore[arg-type]
    assert [c.message.content for c in whole.choices] == [texts[0], texts[1]]
    assert usage is not None and usage.completion_tokens == whole.usage.completion_tokens  # type: ignore[union-attr]


def test_n_two_streamed_ends_each_index_for_its_own_reason(firedrill_server: FiredrillServer) -> None:
    """With max_tokens between the two answers' lengths, the shorter ends with stop, the longer with length."""
    client = _client(firedrill_server)
    whole = client.chat.completions.create(model="gpt-4o", messages=ASK, n=2)  # type: ignore[arg-type]
    lengths = [len(c.message.content or "") for c in whole.choices]
    assert lengths[0] < lengths[1]
    plain = client.chat.completions.create(model="gpt-4o", messages=ASK)  # type: ignore[arg-type]
    assert plain.usage is not None
    cap = plain.usage.completion_tokens  # choice 0 fits exactly; choice 1 has more words
    finishes: dict[int, str] = {}
    for chunk in client.chat.completions.create(model="gpt-4o", messages=ASK, n=2, max_tokens=cap,  # type: ignore[arg-type]
                                                stream=True):
        for choice in chunk.choices:
            if choice.finish_reason:
                finishes[choice.index] = choice.finish_reason
    assert finishes == {0: "stop", 1: "length"}


def test_n_choices_each_call_tools_with_their_own_ids(firedrill_server: FiredrillServer) -> None:
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
                                               "parameters": {"type": "object", "properties": {
                                                   "city": {"type": "string"}}, "required": ["city"]}}}]
    r = _client(firedrill_server).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "What's the weather in Paris?"}],  # type: ignore[list-item]
        tools=tools, n=2)  # type: ignore[arg-type]
    calls = [c.message.tool_calls for c in r.choices]
    assert all(c and c[0].function.name == "get_weather" and '"Paris"' in c[0].function.arguments for c in calls)
    assert calls[0][0].id != calls[1][0].id  # type: ignore[index]
    assert all(c.finish_reason == "tool_calls" for c in r.choices)


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
