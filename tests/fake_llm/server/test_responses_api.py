"""The Responses API through the official SDK and langchain-openai's use_responses_api."""

from __future__ import annotations

import openai
import pytest
from langchain_openai import ChatOpenAI

from chaos.testing import FiredrillServer

PASSAGE = "[doc:a updated:2026-01-01] The Pro plan costs $49 per month."


@pytest.fixture
def client(firedrill_server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=0)


def test_create_answers_from_the_instructions(client: openai.OpenAI) -> None:
    r = client.responses.create(model="fd-large", instructions=PASSAGE, input="How much is the Pro plan?")
    assert r.id.startswith("resp_") and r.status == "completed" and "$49" in r.output_text
    assert r.usage is not None and r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens


def test_streamed_events_and_the_stream_helper(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="fd-large", stream=True, input=[
        {"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}]))
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "$49" in "".join(e.delta for e in events if e.type == "response.output_text.delta")
    with client.responses.stream(model="fd-large", instructions=PASSAGE, input="How much is the Pro plan?") as s:
        for _ in s:
            pass
        assert "$49" in s.get_final_response().output_text


def test_bad_input_and_faults_use_the_openai_envelope(firedrill_server: FiredrillServer,
                                                      client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.responses.create(model="fd-large", input=42)  # type: ignore[arg-type]
    assert bad.value.body["param"] == "input"  # type: ignore[index]
    with firedrill_server.fault("outage", status=503), pytest.raises(openai.InternalServerError):
        client.responses.create(model="fd-large", input="hi")


def test_langchain_with_the_responses_api(firedrill_server: FiredrillServer) -> None:
    llm = ChatOpenAI(model="fd-large", base_url=firedrill_server.openai_base_url, api_key="sk-test",
                     use_responses_api=True, max_retries=0)
    reply = llm.invoke([("system", PASSAGE), ("user", "How much is the Pro plan?")])
    assert "$49" in reply.text
