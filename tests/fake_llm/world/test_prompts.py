"""The prompt registry: versions with who/when/why, and rollback that is itself a deploy."""

from __future__ import annotations

import pytest

from fake_llm.context import CITE, GROUNDED, JSON_ANSWER
from fake_llm.errors import FakeLLMError
from fake_llm.world.prompts import PromptRegistry


def test_the_default_prompt_grounds_asks_for_json_and_citations() -> None:
    text = PromptRegistry("Acme").current.text
    assert GROUNDED in text and JSON_ANSWER in text and CITE in text and "Acme" in text


def test_deploys_number_versions_and_keep_history() -> None:
    reg = PromptRegistry("Acme")
    v2 = reg.deploy("two", message="shorter", author="bob", at_s=10)
    assert (v2.version, v2.author, v2.message, v2.deployed_at_s) == ("v2", "bob", "shorter", 10)
    assert [v.version for v in reg.history] == ["v1", "v2"] and reg.current is v2


def test_rollback_goes_to_the_previous_or_a_named_version_and_is_logged() -> None:
    reg = PromptRegistry("Acme")
    reg.deploy("two", message="m", author="a", at_s=1)
    reg.deploy("three", message="m", author="a", at_s=2)
    back = reg.rollback(author="oncall", at_s=3)
    assert (back.version, back.text, back.rollback_of) == ("v2", "two", "v3")
    first = reg.rollback(to="v1", author="oncall", at_s=4)
    assert first.text == reg.versions["v1"].text and len(reg.history) == 5


def test_bad_rollbacks_say_what_exists() -> None:
    reg = PromptRegistry("Acme")
    with pytest.raises(FakeLLMError, match="no earlier prompt"):
        reg.rollback(author="x", at_s=0)
    with pytest.raises(FakeLLMError, match="known: v1"):
        reg.rollback(to="v9", author="x", at_s=0)
