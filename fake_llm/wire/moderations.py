"""OpenAI Moderations (``POST /v1/moderations``): the inputs to classify and the answer's shape.

A string is one input and an array of strings one input each; an array of text and image parts
is a single input (one result for all its parts). Every result carries ``flagged`` and the three
per-category maps (``categories``, ``category_scores``, ``category_applied_input_types``) with
every category the spec lists; the text-only models have no ``illicit`` categories (null).
"""

from __future__ import annotations

from typing import Any

from fake_llm.moderation import TEXT_ONLY_MODEL_CATEGORIES, Verdict

DEFAULT_MODEL = "omni-moderation-latest"

Input = tuple[list[str], list[str]]  # (texts, image urls) of one input


def inputs(body: dict[str, Any]) -> list[Input]:
    """The inputs to classify; ``checks.moderations`` ran first."""
    raw = body["input"]
    if isinstance(raw, str):
        return [([raw], [])]
    if all(isinstance(x, str) for x in raw):
        return [([x], []) for x in raw] or [([""], [])]
    texts = [p["text"] for p in raw if p.get("type") == "text"]
    urls = [p["image_url"]["url"] for p in raw if p.get("type") == "image_url"]
    return [(texts, urls)]


def result(verdict: Verdict, *, omni: bool) -> dict[str, Any]:
    categories: dict[str, bool | None] = dict(verdict.flagged)
    if not omni:
        for name in categories:
            if name not in TEXT_ONLY_MODEL_CATEGORIES:
                categories[name] = None
    return {"flagged": verdict.any_flagged, "categories": categories, "category_scores": verdict.scores,
            "category_applied_input_types": verdict.applied}


def render(verdicts: list[Verdict], *, moderation_id: str, model: str, omni: bool) -> dict[str, Any]:
    return {"id": moderation_id, "model": model, "results": [result(v, omni=omni) for v in verdicts]}
