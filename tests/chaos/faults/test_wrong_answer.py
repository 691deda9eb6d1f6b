from __future__ import annotations

import json

import openai

from chaos.testing import FiredrillServer
from tests.chaos.support import ask


def test_wrong_answer_keeps_the_shape_but_changes_the_fact(firedrill_server: FiredrillServer,
                                                           oai: openai.OpenAI) -> None:
    with firedrill_server.fault("wrong_answer", keywords=["pro plan"]):
        wrong = ask(oai)
    assert "$49" not in wrong and "Pro plan costs $" in wrong


def test_wrong_answer_in_json_stays_valid_json(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("wrong_answer"):
        doc = json.loads(ask(oai, response_format={"type": "json_object"}))
    assert "$49" not in doc["answer"]


def test_hallucination_invents_a_source(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("hallucination"):
        text = ask(oai)
    assert "$49" not in text and "KB-" in text
