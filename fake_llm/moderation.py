"""The moderation model: category scores for a text (and images), deterministic from the input.

A drill needs a moderation gate that behaves like one: harmless text scores near zero in every
category, text with the words of a category scores high in it and is flagged, and the same
input always gets the same scores (a hash of the text supplies the small noise real scores
have). Images cannot be looked at: an image scores from its URL's words, lowly otherwise, and
only the categories the omni model applies to images count it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)
IMAGE_CATEGORIES = frozenset({"self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "violence",
                              "violence/graphic"})  # what omni-moderation scores images for
TEXT_ONLY_MODEL_CATEGORIES = frozenset(CATEGORIES) - {"illicit", "illicit/violent"}  # text-moderation-*
FLAG_AT = 0.5

_WORDS: dict[str, tuple[str, ...]] = {
    "harassment": ("idiot", "stupid", "loser", "pathetic", "worthless", "shut up", "moron"),
    "harassment/threatening": ("i will find you", "watch your back", "you will pay", "hurt you"),
    "hate": ("subhuman", "vermin", "inferior race", "go back to your country"),
    "hate/threatening": ("exterminate them", "wipe them out"),
    "illicit": ("shoplift", "launder money", "counterfeit", "hack into", "steal", "fake id"),
    "illicit/violent": ("build a bomb", "make a bomb", "buy a gun illegally", "untraceable gun"),
    "self-harm": ("suicide", "kill myself", "self-harm", "cut myself", "end my life"),
    "self-harm/instructions": ("how to kill myself", "how to cut", "painless way to die"),
    "self-harm/intent": ("i want to die", "kill myself", "end my life", "i will hurt myself"),
    "sexual": ("sex", "porn", "nude", "explicit", "erotic"),
    "sexual/minors": ("underage", "minor sexual", "child porn"),
    "violence": ("kill", "murder", "stab", "shoot", "attack", "bomb", "blood", "punch"),
    "violence/graphic": ("gore", "dismember", "mutilat", "decapitat", "blood everywhere"),
}
_PATTERNS = {c: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")") for c, words in _WORDS.items()}


@dataclass(frozen=True)
class Verdict:
    """One result: per category, flagged, score and the input types it was scored on."""

    flagged: dict[str, bool]
    scores: dict[str, float]
    applied: dict[str, list[str]]

    @property
    def any_flagged(self) -> bool:
        return any(self.flagged.values())


def _noise(text: str, category: str) -> float:
    """A small score in [0, 0.01): what a harmless text gets, different per text and category."""
    digest = hashlib.blake2b(f"{category}|{text}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32 / 100


def _score(text: str, category: str) -> float:
    hits = len(_PATTERNS[category].findall(text.lower()))
    base = 0.0 if hits == 0 else min(0.98, 0.55 + 0.15 * hits)
    return round(base + _noise(text, category), 8)


def classify(texts: list[str], image_urls: list[str], *, omni: bool) -> Verdict:
    """The verdict on one input: its texts together and its images (omni models only)."""
    text = "\n".join(texts)
    flagged, scores, applied = {}, {}, {}
    for category in CATEGORIES:
        used = ["text"] if texts or not image_urls else []
        score = _score(text, category) if texts else 0.0
        if omni and image_urls and category in IMAGE_CATEGORIES:
            used.append("image")
            score = max(score, *(_score(url, category) * 0.9 for url in image_urls))
        if not omni and category not in TEXT_ONLY_MODEL_CATEGORIES:
            score = 0.0
        scores[category] = score
        flagged[category] = score >= FLAG_AT
        applied[category] = used
    return Verdict(flagged, scores, applied)
