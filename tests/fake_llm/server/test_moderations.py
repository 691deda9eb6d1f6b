"""``POST /v1/moderations`` through the official openai SDK (``client.moderations``)."""

from __future__ import annotations

import openai
import pytest

from fake_llm.moderation import CATEGORIES
from tests.fake_llm.server.spec_support import errors


def test_a_string_gets_one_result_with_every_category(client: openai.OpenAI) -> None:
    r = client.moderations.create(input="I want to kill them.")
    assert r.id.startswith("modr-") and r.model == "omni-moderation-latest"
    (result,) = r.results
    assert result.flagged and result.categories.violence and result.category_scores.violence >= 0.5
    assert not result.categories.sexual and result.category_scores.sexual < 0.01
    raw = result.model_dump(by_alias=True)
    for field in ("categories", "category_scores", "category_applied_input_types"):
        assert set(CATEGORIES) <= set(raw[field])
    raw = client.moderations.with_raw_response.create(input=["hello", "I want to kill them."])
    assert errors("CreateModerationResponse", raw.http_response.json()) == []


def test_harmless_text_is_not_flagged(client: openai.OpenAI) -> None:
    (result,) = client.moderations.create(input="What time does the store open?").results
    assert not result.flagged
    assert max(result.model_dump(by_alias=True)["category_scores"].values()) < 0.01


def test_scores_are_the_same_for_the_same_text(client: openai.OpenAI) -> None:
    a = client.moderations.create(input="You are an idiot.").results[0]
    b = client.moderations.create(input="You are an idiot.").results[0]
    assert a.category_scores == b.category_scores and a.categories.harassment


def test_a_list_of_strings_gets_one_result_each_in_order(client: openai.OpenAI) -> None:
    r = client.moderations.create(input=["hello", "I will kill myself", "nice weather"])
    assert [x.flagged for x in r.results] == [False, True, False]
    assert r.results[1].categories.self_harm_intent


def test_a_multimodal_array_is_one_result_with_image_types_where_images_count(client: openai.OpenAI) -> None:
    r = client.moderations.create(model="omni-moderation-latest", input=[
        {"type": "text", "text": "look at this"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}])
    (result,) = r.results
    applied = result.category_applied_input_types
    assert applied.violence == ["text", "image"] and applied.sexual == ["text", "image"]
    assert applied.hate == ["text"] and applied.illicit == ["text"]


def test_text_moderation_has_no_illicit_categories_and_no_images(client: openai.OpenAI) -> None:
    r = client.moderations.create(model="text-moderation-latest", input="how to shoplift")
    assert r.model == "text-moderation-007" and r.results[0].categories.illicit is None
    assert r.results[0].category_scores.illicit == 0 and r.results[0].category_applied_input_types.illicit == []
    omni = client.moderations.create(model="omni-moderation-latest", input="how to shoplift")
    assert omni.results[0].categories.illicit
    with pytest.raises(openai.BadRequestError) as caught:
        client.moderations.create(model="text-moderation-latest",
                                  input=[{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}])
    assert caught.value.param == "input"


def test_a_moderation_model_on_chat_is_a_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="not a chat model"):
        client.chat.completions.create(model="omni-moderation-latest", messages=[{"role": "user", "content": "hi"}])


def test_an_unknown_model_is_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.moderations.create(model="omni-moderation-9000", input="hi")
    assert caught.value.code == "model_not_found" and caught.value.param is None


@pytest.mark.parametrize(("body", "param", "code"), [
    ({}, "input", "missing_required_parameter"),
    ({"input": []}, "input", "empty_array"),
    ({"input": 5}, "input", "invalid_type"),
    ({"input": [{"type": "video", "video": "x"}]}, "input[0].type", "invalid_value"),
    ({"input": [{"type": "image_url"}]}, "input[0].image_url", "missing_required_parameter"),
    ({"input": ["a", {"type": "text", "text": "b"}]}, "input[1]", "invalid_type"),
    ({"input": "x", "model": 5}, "model", "invalid_type"),
    ({"input": "x", "threshold": 0.5}, None, None),
])
def test_invalid_bodies_are_400s_naming_the_field(client: openai.OpenAI, body: dict[str, object],
                                                  param: str | None, code: str | None) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.post("/moderations", body=body, cast_to=object)
    assert (caught.value.param, caught.value.code) == (param, code)
