"""A new question in a known conversation is parsed by its frame (the body without the question's
text): the frame's check and parse are reused, and the answer is the one the full path gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_llm import Provider
from fake_llm.hooks import Flavour
from fake_llm.provider import _frame_of

AUTH = {"authorization": "Bearer sk-test"}
CHAT = "/v1/chat/completions"
SYSTEM = "Answer from the context. [doc:plans-3] The Pro plan costs $49 per month. The Team plan costs $99 per month."
QUESTIONS = [
    "How much does the Pro plan cost? (ticket 1)",
    "How much does the Team plan cost? (ticket 2)",
    'What does "Pro" cost, in \\ backslashes?',
    "Combien coûte le plan Pro ? 💶",
    "How much does the Pro plan cost? (ticket 1)",  # a repeat, among new ones
]


def _body(question: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "messages": [{"role": "system", "content": SYSTEM},
                                            {"role": "user", "content": question}], **extra}


def _ask(provider: Provider, body: dict[str, Any]) -> dict[str, Any]:
    result = provider.handle_http(Flavour.OPENAI, CHAT, AUTH, json.dumps(body).encode())
    return {"status": result.status, **result.json}


def _answer(reply: dict[str, Any]) -> tuple[Any, ...]:
    return reply["status"], reply.get("choices"), reply.get("usage"), reply.get("error")


@pytest.mark.parametrize("extra", [{}, {"max_tokens": 3}, {"stop": ["$"]}, {"temperature": 0.2, "seed": 7}])
def test_questions_in_a_known_frame_get_the_answers_the_full_path_gives(extra: dict[str, Any]) -> None:
    warm = Provider()
    for question in QUESTIONS * 2:
        assert _answer(_ask(warm, _body(question, **extra))) == _answer(_ask(Provider(), _body(question, **extra)))


def test_a_frame_is_only_shared_by_bodies_equal_apart_from_the_question() -> None:
    provider = Provider()
    for n in range(3):
        _ask(provider, _body(f"How much does the Pro plan cost? ({n})"))
    cut = _ask(provider, _body("How much does the Pro plan cost? (3)", max_tokens=2))
    assert cut["choices"][0]["finish_reason"] == "length"
    other_model = _ask(provider, {**_body("How much does the Pro plan cost? (4)"), "model": "gpt-4o-mini"})
    assert other_model["model"].startswith("gpt-4o-mini")


@pytest.mark.parametrize("question", ["", "   ", 5, [{"type": "text"}], None])
def test_a_blank_or_bad_question_in_a_known_frame_is_answered_as_the_full_path_answers_it(question: Any) -> None:
    provider = Provider()
    for n in range(3):
        assert _ask(provider, _body(f"How much does the Pro plan cost? ({n})"))["status"] == 200
    assert _answer(_ask(provider, _body(question))) == _answer(_ask(Provider(), _body(question)))


@pytest.mark.parametrize("question", [5, [{"type": "text"}]])
def test_a_question_of_the_wrong_type_in_a_known_frame_is_refused(question: Any) -> None:
    provider = Provider()
    for n in range(3):
        _ask(provider, _body(f"How much does the Pro plan cost? ({n})"))
    assert _ask(provider, _body(question))["status"] == 400


def test_a_question_past_the_context_window_in_a_known_frame_is_still_too_long() -> None:
    provider = Provider()
    for n in range(3):
        _ask(provider, _body(f"How much does the Pro plan cost? ({n})"))
    huge = _ask(provider, _body("cost " * 200_000, model="gpt-4o"))
    assert huge["status"] == 400 and huge["error"]["code"] == "context_length_exceeded"


def test_only_a_last_plain_user_text_has_a_frame_and_the_body_is_left_as_it_was() -> None:
    body = _body("How much?")
    before = json.dumps(body)
    frame = _frame_of(body)
    assert frame is not None and frame[1] == "How much?"
    assert json.dumps(body) == before
    assert frame[0] == _frame_of(_body("Where do you ship?"))[0]  # type: ignore[index]
    assert _frame_of(_body("How much?", temperature=1)) != frame
    assert _frame_of({"model": "gpt-4o", "messages": [{"role": "assistant", "content": "Hi"}]}) is None
    assert _frame_of({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi", "name": "bob"}]}) is None
    assert _frame_of({"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "text"}]}]}) is None
    assert _frame_of({"model": "gpt-4o", "messages": []}) is None


def test_a_known_frame_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_llm.wire import openai

    parsed: list[dict[str, Any]] = []
    parse = openai.parse_chat
    monkeypatch.setattr(openai, "parse_chat", lambda body: (parsed.append(body), parse(body))[1])
    provider = Provider()
    for n in range(10):
        assert _ask(provider, _body(f"How much does the Pro plan cost? (ticket {n})"))["status"] == 200
    assert len(parsed) == 2  # the first sight of the frame, and the second, which keeps it
