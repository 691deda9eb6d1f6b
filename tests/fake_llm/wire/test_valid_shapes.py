"""A body found valid once is not validated again for other message text; a refusal never sticks."""

from __future__ import annotations

from typing import Any

import pytest

from fake_llm.errors import InvalidRequest
from fake_llm.wire import checks
from fake_llm.wire.valid_shapes import ValidShapes, shape_of


def _chat(question: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "messages": [{"role": "system", "content": "Answer briefly."},
                                            {"role": "user", "content": question}], **extra}


def test_bodies_that_differ_only_in_message_text_share_a_shape() -> None:
    assert shape_of(_chat("How much is Pro? (ticket 1)")) == shape_of(_chat("Where do you ship? (ticket 2)"))


def test_blank_text_other_types_and_other_fields_keep_their_own_shape() -> None:
    text = shape_of(_chat("hello"))
    assert shape_of(_chat("")) != text
    assert shape_of(_chat("   ")) != text
    assert shape_of(_chat([{"type": "text", "text": "hello"}])) != text
    assert shape_of(_chat("hello", temperature=3)) != text
    assert shape_of({"model": "gpt-4o", "messages": "hello"}) is None


def test_a_shape_that_passed_is_not_checked_again() -> None:
    calls: list[dict[str, Any]] = []
    shapes = ValidShapes(calls.append)
    for n in range(5):
        shapes.check(_chat(f"How much is Pro? (ticket {n})"))
    assert len(calls) == 1


@pytest.mark.parametrize("bad", [
    _chat(5),
    _chat("How much is Pro?", temperature=3),
    _chat("How much is Pro?", stream_options={"include_usage": True}),
])
def test_a_body_that_fails_is_refused_every_time_even_beside_valid_ones(bad: dict[str, Any]) -> None:
    shapes = ValidShapes(checks.chat)
    shapes.check(_chat("How much is Pro?"))
    for _ in range(3):
        with pytest.raises(InvalidRequest):
            shapes.check(bad)
