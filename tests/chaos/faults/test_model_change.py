from __future__ import annotations

import openai

from chaos.testing import FiredrillServer
from tests.chaos.support import PASSAGE


def _ask(client: openai.OpenAI, question: str) -> openai.types.chat.ChatCompletion:
    return client.chat.completions.create(model="fd-large", messages=[
        {"role": "system", "content": PASSAGE}, {"role": "user", "content": question}])


def test_model_change_shows_a_new_fingerprint_and_changes_answers(firedrill_server: FiredrillServer,
                                                                  oai: openai.OpenAI) -> None:
    before = _ask(oai, "How fast are refunds issued?")
    with firedrill_server.fault("model_change", alias="fd-large", to_version="fd-large-2026-11-15"):
        after = _ask(oai, "How fast are refunds issued?")
    assert before.system_fingerprint != after.system_fingerprint
    assert after.model == "fd-large-2026-11-15"
    assert before.choices[0].message.content != (after.choices[0].message.content or after.choices[0].message.refusal)


def test_unknown_target_version_is_rejected_with_the_known_ones() -> None:
    import pytest

    from chaos.errors import FaultError
    from chaos.faults.registry import build_fault

    with pytest.raises(FaultError, match="known: .*fd-large-2026-11-15"):
        build_fault("model_change", id="m", params={"to_version": "gpt-5"})
