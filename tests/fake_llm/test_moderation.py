"""The moderation model: harmless text scores near zero, a category's words flag it, deterministically."""

from __future__ import annotations

from fake_llm.moderation import CATEGORIES, FLAG_AT, IMAGE_CATEGORIES, classify


def test_every_category_is_scored_and_harmless_text_scores_low() -> None:
    verdict = classify(["Where is my parcel?"], [], omni=True)
    assert set(verdict.scores) == set(CATEGORIES)
    assert not verdict.any_flagged and max(verdict.scores.values()) < 0.01


def test_the_words_of_a_category_flag_it_and_only_it() -> None:
    verdict = classify(["you pathetic loser"], [], omni=True)
    assert verdict.flagged["harassment"] and verdict.scores["harassment"] >= FLAG_AT
    assert [c for c, f in verdict.flagged.items() if f] == ["harassment"]


def test_words_inside_other_words_do_not_count() -> None:
    assert not classify(["I live in Sussex and skill up daily"], [], omni=True).any_flagged


def test_the_same_text_scores_the_same_and_other_texts_differently() -> None:
    a, b = classify(["hello"], [], omni=True), classify(["hello"], [], omni=True)
    assert a == b and a.scores != classify(["goodbye"], [], omni=True).scores


def test_images_count_only_in_the_categories_omni_scores_images_for() -> None:
    verdict = classify([], ["https://example.com/gore.png"], omni=True)
    assert {c for c, used in verdict.applied.items() if "image" in used} == IMAGE_CATEGORIES
    assert verdict.flagged["violence/graphic"]
