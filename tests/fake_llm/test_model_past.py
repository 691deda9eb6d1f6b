"""The messages before a user's question are read once per conversation: a new question after a
known past gets the reply the whole-request reading gives, whatever the past holds."""

from __future__ import annotations

import pytest

from fake_llm import model
from fake_llm.model import generate
from fake_llm.types import Message, ModelReply, ModelRequest, Role

SYSTEM = Message(Role.SYSTEM, "Answer only from the context. Cite sources.\n"
                              "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month.\n"
                              "[doc:ship-1] We ship to the EU and the UK.")
PASTS = [
    (SYSTEM,),
    (Message(Role.SYSTEM, "Use your general knowledge. Respond in JSON."),),
    (SYSTEM, Message(Role.USER, "My name is Bob. I live in Lisbon."), Message(Role.ASSISTANT, "Hello Bob.")),
    (Message(Role.SYSTEM, 'Reply with JSON matching {"type": "object", "properties": {"city": {"type": "string"}}}'),),
    (Message(Role.USER, "[doc:faq-2] Refunds take 5 days."), Message(Role.ASSISTANT, "Noted.")),
]
QUESTIONS = ["How much does the Pro plan cost?", "What is my name?", "Where do you ship? Be detailed.",
             "[doc:late-9] The Team plan costs $99.\nHow much is the Team plan?", "Which city do I live in?"]


def _reply(past: tuple[Message, ...], question: str, **extra: object) -> ModelReply:
    request = ModelRequest(model_version="gpt-4o", messages=(*past, Message(Role.USER, question)), **extra)  # type: ignore[arg-type]
    return generate(request, seed=3, repeat=False)


@pytest.mark.parametrize("past", PASTS)
def test_a_question_after_a_known_past_gets_the_reply_of_the_whole_reading(
        past: tuple[Message, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    known = [_reply(past, q) for q in QUESTIONS * 2]  # the past is read, then kept, then reused
    monkeypatch.setattr(model, "_past", lambda messages: None)
    assert known == [_reply(past, q) for q in QUESTIONS * 2]


def test_a_past_is_read_once_it_has_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[tuple[Message, ...]] = []
    read_prompt = model.read_prompt
    monkeypatch.setattr(model, "read_prompt", lambda messages: (reads.append(messages), read_prompt(messages))[1])
    past = (Message(Role.SYSTEM, "Answer only from the context. [doc:a-1] A past read once, for this test."),)
    for n in range(6):
        _reply(past, f"What does the context say? ({n})")
    assert len(reads) == 2  # its first sight, and the second, which keeps it


def test_a_past_with_tool_calls_is_read_every_time() -> None:
    from fake_llm.types import ToolCall

    calls = (Message(Role.ASSISTANT, "", tool_calls=(ToolCall("call_1", "get_weather", {"city": "Lisbon"}),)),
             Message(Role.TOOL, "Sunny, 21 C", tool_call_id="call_1"))
    assert model._past((SYSTEM, *calls, Message(Role.USER, "And tomorrow?"))) is None
    assert model._past((Message(Role.USER, "Hi"),)) is None
