"""The neutral types keep dataclass semantics, whatever builds them."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from fake_llm.types import Message, ModelRequest, Role, quick_init


def test_a_quickly_built_message_is_the_frozen_dataclass_it_was() -> None:
    m = Message(Role.USER, "hi")
    assert m == Message(role=Role.USER, content="hi", tool_calls=(), tool_call_id=None, name=None)
    assert hash(m) == hash(Message(Role.USER, "hi"))
    assert dataclasses.replace(m, content="bye").content == "bye"
    assert copy.deepcopy(m) == m == pickle.loads(pickle.dumps(m))
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.content = "changed"  # type: ignore[misc]


def test_defaults_and_missing_arguments_behave_as_the_generated_init() -> None:
    request = ModelRequest("gpt-4o", (Message(Role.USER, "hi"),))
    assert (request.max_tokens, request.tools, request.parallel_tool_calls, request.choice) == (None, (), True, 0)
    with pytest.raises(TypeError):
        Message(Role.USER)  # type: ignore[call-arg]


def test_a_field_with_a_factory_keeps_the_generated_init() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="needs the generated __init__"):
        quick_init(WithFactory)
