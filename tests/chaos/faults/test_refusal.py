from __future__ import annotations

import openai

from chaos.testing import FiredrillServer
from tests.chaos.support import ask


def test_refusal_field_on_matching_keywords_only(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("refusal", keywords=["refund"]):
        r = oai.chat.completions.create(model="fd-large", messages=[{"role": "user", "content": "Can I get a refund?"}])
        assert r.choices[0].message.content is None and r.choices[0].message.refusal
        assert "$49" in ask(oai)


def test_refusal_as_text(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("refusal", style="text"):
        assert ask(oai).startswith("I'm sorry")
