"""The Responses API through the official SDK and langchain-openai's use_responses_api."""

from __future__ import annotations

import json

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


WEATHER = [{"type": "function", "name": "get_weather", "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]


def test_a_function_tool_is_called_then_its_output_answered(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="What is the weather in Paris?", tools=WEATHER)  # type: ignore[arg-type]
    call = first.output[-1]
    assert call.type == "function_call" and call.name == "get_weather" and call.status == "completed"
    assert call.call_id.startswith("call_") and call.id.startswith("fc_")
    assert json.loads(call.arguments) == {"city": "Paris"}
    second = client.responses.create(model="gpt-4o", tools=WEATHER, input=[  # type: ignore[arg-type]
        {"role": "user", "content": "What is the weather in Paris?"}, call.model_dump(exclude_none=True),
        {"type": "function_call_output", "call_id": call.call_id, "output": "18C and sunny"}])
    assert [o.type for o in second.output] == ["message"] and "18C and sunny" in second.output_text


def test_the_response_echoes_the_request(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o", input="hi", instructions="Be brief.", temperature=0.3, top_p=0.5,
                                metadata={"team": "sre"}, tools=WEATHER, tool_choice="auto",  # type: ignore[arg-type]
                                parallel_tool_calls=False, max_output_tokens=300, user="u-1")
    assert (r.instructions, r.temperature, r.top_p, r.metadata) == ("Be brief.", 0.3, 0.5, {"team": "sre"})
    assert r.tool_choice == "auto" and r.parallel_tool_calls is False and r.max_output_tokens == 300
    assert r.tools[0].type == "function" and r.tools[0].name == "get_weather"  # type: ignore[union-attr]
    assert r.text is not None and r.text.format is not None and r.text.format.type == "text"


def test_the_full_usage_object(client: openai.OpenAI) -> None:
    long_system = "Our refund policy is thirty days from purchase for every plan. " * 200
    ask = {"model": "gpt-4o", "instructions": long_system, "input": "What is the refund window?"}
    first = client.responses.create(**ask)  # type: ignore[call-overload]
    again = client.responses.create(**ask)  # type: ignore[call-overload]
    assert first.usage is not None and again.usage is not None
    assert first.usage.input_tokens_details.cached_tokens == 0
    assert first.usage.input_tokens_details.cache_write_tokens >= 1024
    assert again.usage.input_tokens_details.cached_tokens == first.usage.input_tokens_details.cache_write_tokens
    assert again.usage.input_tokens_details.cached_tokens % 128 == 0
    assert again.usage.output_tokens_details.reasoning_tokens == 0


def test_reasoning_models_return_a_reasoning_item(client: openai.OpenAI) -> None:
    r = client.responses.create(model="o4-mini", input="What is 2+2?", reasoning={"effort": "low", "summary": "auto"})
    assert [o.type for o in r.output] == ["reasoning", "message"]
    assert r.output[0].summary and r.output[0].summary[0].type == "summary_text"  # type: ignore[union-attr]
    assert r.usage is not None and 0 < r.usage.output_tokens_details.reasoning_tokens < r.usage.output_tokens


def test_text_format_json_schema_is_followed(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
              "required": ["answer", "confidence"], "additionalProperties": False}
    r = client.responses.create(model="gpt-4o", input="How much is the Pro plan?", instructions=PASSAGE,
                                text={"format": {"type": "json_schema", "name": "reply", "schema": schema,
                                                 "strict": True}})
    doc = json.loads(r.output_text)
    assert set(doc) == {"answer", "confidence"} and isinstance(doc["confidence"], (int, float))
    assert r.text is not None and r.text.format is not None and r.text.format.type == "json_schema"


def test_stored_responses_can_be_retrieved_and_continued(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="What is the weather in Paris?", tools=WEATHER)  # type: ignore[arg-type]
    assert client.responses.retrieve(first.id).output[-1].type == "function_call"
    call = first.output[-1]
    follow = client.responses.create(model="gpt-4o", previous_response_id=first.id, tools=WEATHER,  # type: ignore[arg-type]
                                     input=[{"type": "function_call_output", "call_id": call.call_id,  # type: ignore[union-attr]
                                             "output": "18C and sunny"}])
    assert "18C and sunny" in follow.output_text and follow.previous_response_id == first.id
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve("resp_nope")
    with pytest.raises(openai.BadRequestError) as missing:
        client.responses.create(model="gpt-4o", previous_response_id="resp_nope", input="hi")
    assert missing.value.body["code"] == "previous_response_not_found"  # type: ignore[index]
    unstored = client.responses.create(model="gpt-4o", input="hi", store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(unstored.id)


def test_streamed_function_calls(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="gpt-4o", input="What is the weather in Paris?", tools=WEATHER,  # type: ignore[arg-type]
                                          stream=True))
    kinds = [e.type for e in events]
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert "response.function_call_arguments.delta" in kinds and kinds[-1] == "response.completed"
    args = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")  # type: ignore[union-attr]
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert json.loads(args) == {"city": "Paris"} == json.loads(done.arguments)  # type: ignore[union-attr]
    assert [e.sequence_number for e in events] == list(range(len(events)))


def test_responses_validation(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.responses.create(model="gpt-4o", input="hi", extra_body={"frequency_penalty": 1})
    assert bad.value.body == {"message": "Unknown parameter: 'frequency_penalty'.", "type": "invalid_request_error",  # type: ignore[comparison-overlap]
                              "param": "frequency_penalty", "code": "unknown_parameter"}
    with pytest.raises(openai.BadRequestError) as bad:
        client.responses.create(model="gpt-4o", input="hi", max_output_tokens=5)
    assert bad.value.body["code"] == "integer_below_min_value"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError) as bad:
        client.responses.create(model="gpt-4o", input=[{"type": "function_call_output", "output": "x"}])  # type: ignore[list-item]
    assert bad.value.body["param"] == "input[0].call_id"  # type: ignore[index]


def test_encrypted_reasoning_is_returned_when_included(client: openai.OpenAI) -> None:
    r = client.responses.create(model="o4-mini", input="What is 2+2?", store=False,
                                include=["reasoning.encrypted_content"])
    reasoning = r.output[0]
    assert reasoning.type == "reasoning" and reasoning.encrypted_content  # type: ignore[union-attr]
    # a stateless client sends the reasoning item back with the next turn
    again = client.responses.create(model="o4-mini", store=False, input=[
        {"role": "user", "content": "What is 2+2?"}, reasoning.model_dump(exclude_none=True),
        *[o.model_dump(exclude_none=True) for o in r.output[1:]], {"role": "user", "content": "And 3+3?"}])
    assert again.status == "completed" and again.output_text


def test_input_tokens_counts_what_the_same_request_would_bill(client: openai.OpenAI) -> None:
    counted = client.responses.input_tokens.count(model="gpt-4o", input="How much is the Pro plan?",
                                                  instructions="Answer briefly.")
    billed = client.responses.create(model="gpt-4o", input="How much is the Pro plan?", instructions="Answer briefly.")
    assert counted.object == "response.input_tokens" and counted.input_tokens == billed.usage.input_tokens  # type: ignore[union-attr]
    assert client.responses.input_tokens.count().input_tokens == 0  # every field is optional
    with pytest.raises(openai.NotFoundError):
        client.responses.input_tokens.count(model="gpt-4o-2099-01-01", input="hi")
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.input_tokens.count(input=5)  # type: ignore[arg-type]
    assert err.value.param == "input"  # type: ignore[attr-defined]


def test_a_stored_response_lists_its_input_items_then_is_deleted(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="My name is Ana.", instructions="Be brief.")
    second = client.responses.create(model="gpt-4o", input="What is my name?", previous_response_id=first.id)
    items = client.responses.input_items.list(second.id, order="asc").data
    assert [(i.type, i.role) for i in items] == [("message", "user"), ("message", "assistant"),  # type: ignore[union-attr]
                                                  ("message", "user")]
    assert items[-1].content[0].text == "What is my name?"  # type: ignore[union-attr]
    newest = client.responses.input_items.list(second.id, limit=1)
    assert newest.data[0].id == items[-1].id and newest.has_more
    with pytest.raises(openai.BadRequestError):  # finished, not a background response
        client.responses.cancel(second.id)
    client.responses.delete(second.id)
    for gone in (lambda: client.responses.retrieve(second.id), lambda: client.responses.delete(second.id),
                 lambda: client.responses.input_items.list(second.id), lambda: client.responses.cancel(second.id)):
        with pytest.raises(openai.NotFoundError):
            gone()


def test_deleting_a_model_that_is_not_fine_tuned(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.models.delete("ft:gpt-4o-mini:acme:suffix:abc123")
    assert err.value.code == "model_not_found"
    with pytest.raises(openai.PermissionDeniedError):
        client.models.delete("gpt-4o")


def test_compact_keeps_the_user_messages_and_continues_from_its_item(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="My name is Ana and I work on billing.")
    compacted = client.responses.compact(model="gpt-5.6-sol", previous_response_id=first.id,
                                         input="What team am I on?")
    assert compacted.object == "response.compaction" and compacted.usage.input_tokens > 0
    assert compacted.usage.input_tokens_details.cache_write_tokens == 0  # the full usage object, as create gives
    kinds = [o.type for o in compacted.output]
    assert kinds == ["message", "message", "compaction"]
    assert compacted.output[1].content[0].text == "What team am I on?"  # type: ignore[union-attr]
    # the compacted window, sent back as input, is the same conversation (as JSON: the SDK reads user
    # messages of the output list as output messages, and would warn re-serialising them)
    raw = client.responses.with_raw_response.compact(model="gpt-5.6-sol", previous_response_id=first.id,
                                                     input="What team am I on?")
    items = raw.http_response.json()["output"]
    later = client.responses.create(model="gpt-4o", input=[*items, {"role": "user", "content": "What is my name?"}])
    assert "Ana" in later.output_text
    with pytest.raises(openai.NotFoundError):
        client.responses.compact(model="gpt-9", input="hi")  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError):
        client.responses.compact(model="gpt-4o", previous_response_id="resp_missing")


def test_a_function_call_and_its_output_must_pair_up(client: openai.OpenAI) -> None:
    """A history that lost a tool output, or kept one whose call it lost, is refused as the API refuses it."""
    call = {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": '{"city": "Oslo"}'}
    output = {"type": "function_call_output", "call_id": "call_1", "output": "Windy"}
    ask = {"role": "user", "content": "And in Paris?"}
    for items, message in (([ask, call, ask], "No tool output found for function call call_1."),
                           ([ask, output], "No tool call found for function call output with call_id call_1.")):
        with pytest.raises(openai.BadRequestError) as caught:
            client.responses.create(model="gpt-4o", input=items, tools=WEATHER)  # type: ignore[arg-type]
        assert caught.value.body == {"message": message, "type": "invalid_request_error", "param": "input",
                                     "code": None}
    first = client.responses.create(model="gpt-4o", input="What's the weather in Oslo?", tools=WEATHER)  # type: ignore[arg-type]
    called = next(item for item in first.output if item.type == "function_call")
    with pytest.raises(openai.BadRequestError) as caught:  # the previous response's call, left unanswered
        client.responses.create(model="gpt-4o", previous_response_id=first.id, input="Thanks", tools=WEATHER)  # type: ignore[arg-type]
    assert caught.value.body["message"] == f"No tool output found for function call {called.call_id}."  # type: ignore[index]
    answered = client.responses.create(model="gpt-4o", previous_response_id=first.id, tools=WEATHER,  # type: ignore[arg-type]
                                       input=[{"type": "function_call_output", "call_id": called.call_id,
                                               "output": "Windy, 5°C"}])
    assert "Windy" in answered.output_text
