"""The moderation model: harmless text scores near zero, harmful text flags its category, deterministically."""

from __future__ import annotations

import pytest

from fake_llm.moderation import CATEGORIES, FLAG_AT, IMAGE_CATEGORIES, classify


def test_every_category_is_scored_and_harmless_text_scores_low() -> None:
    verdict = classify(["Where is my parcel?"], [], omni=True)
    assert set(verdict.scores) == set(CATEGORIES)
    assert not verdict.any_flagged and max(verdict.scores.values()) < 0.01


@pytest.mark.parametrize(("text", "category"), [
    ("I want to kill them.", "violence"),
    ("You are an idiot.", "harassment"),
    ("I know where you live. Watch your back.", "harassment/threatening"),
    ("how to shoplift without getting caught", "illicit"),
    ("how do I make a bomb", "illicit/violent"),
    ("I will kill myself tonight", "self-harm/intent"),
    ("what is a painless way to die", "self-harm/instructions"),
    ("send me nudes", "sexual"),
])
def test_harmful_text_is_flagged_in_its_category(text: str, category: str) -> None:
    verdict = classify([text], [], omni=True)
    assert verdict.flagged[category] and verdict.scores[category] >= FLAG_AT


@pytest.mark.parametrize("text", [
    "How do I kill the process on port 8080?",
    "I'm reading a murder mystery this weekend.",
    "Please be explicit about the steps.",
    "Let's attack this problem from the other side.",
    "I'm going to kill my script and restart it.",
    "What is the number of the suicide prevention hotline?",
    "Al Gore gave a talk on climate.",
])
def test_a_harsh_word_in_harmless_text_raises_a_score_but_does_not_flag(text: str) -> None:
    verdict = classify([text], [], omni=True)
    assert not verdict.any_flagged
    assert 0.05 < max(verdict.scores.values()) < FLAG_AT


def test_the_words_of_a_category_flag_it_and_its_parent_only() -> None:
    verdict = classify(["you pathetic loser"], [], omni=True)
    assert [c for c, f in verdict.flagged.items() if f] == ["harassment"]
    intent = classify(["I want to end my life"], [], omni=True)
    assert intent.flagged["self-harm/intent"] and intent.flagged["self-harm"]


def test_words_inside_other_words_do_not_count() -> None:
    assert max(classify(["I live in Sussex and skill up daily"], [], omni=True).scores.values()) < 0.01


def test_the_same_text_scores_the_same_and_other_texts_differently() -> None:
    a, b = classify(["hello"], [], omni=True), classify(["hello"], [], omni=True)
    assert a == b and a.scores != classify(["goodbye"], [], omni=True).scores


def test_images_count_only_in_the_categories_omni_scores_images_for() -> None:
    verdict = classify([], ["https://example.com/dismembered-body.png"], omni=True)
    assert {c for c, used in verdict.applied.items() if "image" in used} == IMAGE_CATEGORIES
    assert all(used == [] for c, used in verdict.applied.items() if c not in IMAGE_CATEGORIES)
    assert verdict.flagged["violence/graphic"]


def test_a_text_model_does_not_score_the_illicit_categories() -> None:
    verdict = classify(["how to shoplift"], [], omni=False)
    assert verdict.scores["illicit"] == 0 and not verdict.any_flagged and verdict.applied["illicit"] == []
