"""The moderation model: category scores for a text (and images), deterministic from the input.

A drill needs a moderation gate that behaves like one: harmless text scores near zero in every
category, harmful text scores high in its category and is flagged, and the same input always
gets the same scores (a hash of the text supplies the small noise real scores have).

Words alone do not make harm: "kill the process", "a murder mystery" or "be explicit" are what
support tickets say every day. So each category has *signals* (a phrase that is harmful on its
own: "I want to kill them", "how to shoplift") that flag it, and *words* ("kill", "steal") that
only raise its score, a little per word, never to the flagging line alone. A flagged
sub-category lifts its parent ("self-harm/intent" makes "self-harm" likely), as the real scores
go together. Images cannot be looked at: an image scores from its URL's words, and only in the
categories the omni model applies to images.
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
WORD_SCORE = 0.12  # what one weak word adds; WORD_CAP keeps words alone under the flagging line
WORD_CAP = 0.4
IMAGE_DISCOUNT = 0.9  # a URL's words say less than the same words written out

_PEOPLE = r"(?:wife|husband|boss|neighbou?r|brother|sister|mother|father|mom|mum|dad|teacher|ex|roommate|coworker|" \
          r"colleague|friend|family|kids?|children|son|daughter|girlfriend|boyfriend|partner)"
_TARGET = rf"(?:you|him|her|them|everyone|people|somebody|someone|(?:my|your|his|her|their) {_PEOPLE})"
_HOW = r"(?:how (?:do i |can i |to |would i |should i )|ways? to |steps to |guide to |tips (?:for|on) )"

# Phrases harmful on their own (regular expressions, matched in lower case at word boundaries).
_SIGNALS: dict[str, tuple[str, ...]] = {
    "harassment": (r"you(?:'re| are)? (?:such )?(?:an? )?(?:\w+ )?(?:idiot|moron|loser|worthless|pathetic|stupid)",
                   r"shut up", r"nobody likes you", r"you disgust me"),
    "harassment/threatening": (r"i(?:'ll| will) (?:find|hurt|get) you", r"watch your back", r"you(?:'ll| will) pay",
                               r"i know where you live"),
    "hate": (r"subhuman", r"inferior (?:race|people)", r"go back to your (?:own )?country",
             r"(?:they|those people) are (?:vermin|animals|parasites)"),
    "hate/threatening": (r"exterminate (?:them|all)", r"wipe them (?:all )?out", r"should all (?:die|be killed)"),
    "illicit": (_HOW + r"(?:\w+ ){0,2}(?:shoplift|steal|launder|counterfeit|hack into|pick a lock|"
                       r"make a fake id|evade taxes|buy drugs)",
                r"launder(?:ing)? (?:the )?money", r"fake ids? for sale"),
    "illicit/violent": (r"(?:build|make) a (?:pipe )?bomb", r"buy a gun illegally", r"untraceable (?:gun|firearm)",
                        r"3d.?print(?:ed)? (?:a )?gun"),
    "self-harm": (r"kill myself", r"end my life", r"cut(?:ting)? myself", r"hurt(?:ing)? myself", r"commit suicide",
                  r"suicide note"),
    "self-harm/instructions": (_HOW + r"(?:\w+ ){0,2}(?:kill myself|commit suicide|cut myself)",
                               r"painless way to die", r"how many pills (?:to|would) (?:die|kill)"),
    "self-harm/intent": (r"i (?:want|am going|'m going|plan|intend) to (?:die|kill myself|end my life|hurt myself)",
                         r"i(?:'ll| will) (?:kill|hurt) myself", r"i don'?t want to (?:live|be alive)"),
    "sexual": (r"porn\w*", r"nudes?", r"erotic\w*", r"have sex", r"sex with", r"sexually explicit"),
    "sexual/minors": (r"child porn\w*", r"underage (?:sex|nudes?|porn\w*)", r"sex with (?:a )?(?:minor|child)"),
    "violence": (r"(?:want to|going to|will|i'll|gonna|should) (?:kill|murder|stab|shoot|beat up|hurt) " + _TARGET,
                 r"(?:kill|murder|stab|shoot) (?:them|him|her|you) all", r"beat (?:him|her|them|you) to death"),
    "violence/graphic": (r"dismember\w*", r"mutilat\w*", r"decapitat\w*", r"gory", r"guts spilled",
                         r"blood everywhere"),
}
# Words that raise a category's score a little each, never to flagging alone.
_WORDS: dict[str, tuple[str, ...]] = {
    "harassment": ("idiot", "moron", "stupid", "loser", "pathetic", "worthless", "dumb"),
    "harassment/threatening": ("threaten", "threat"),
    "hate": ("vermin", "racist", "bigot"),
    "hate/threatening": ("genocide", "ethnic cleansing"),
    "illicit": ("shoplift", "steal", "stolen", "counterfeit", "launder", "hack", "drugs", "fake id"),
    "illicit/violent": ("bomb", "explosive", "gun", "weapon", "firearm"),
    "self-harm": ("suicide", "suicidal", "self-harm", "overdose"),
    "self-harm/instructions": ("overdose",),
    "self-harm/intent": ("hopeless", "suicidal"),
    "sexual": ("sex", "sexy", "explicit", "naked", "nsfw"),
    "sexual/minors": ("underage",),
    "violence": ("kill", "killed", "murder", "stab", "shoot", "attack", "bomb", "blood", "punch", "weapon", "gun"),
    "violence/graphic": ("blood", "bloody", "corpse", "wound", "gore"),
}
_PARENT = {"harassment/threatening": "harassment", "hate/threatening": "hate", "illicit/violent": "illicit",
           "self-harm/instructions": "self-harm", "self-harm/intent": "self-harm", "sexual/minors": "sexual",
           "violence/graphic": "violence"}
_LIFT = {"harassment/threatening": "violence", "hate/threatening": "violence", "illicit/violent": "violence"}


def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])")


_SIGNAL_RE = {c: _any_of(_SIGNALS[c]) for c in CATEGORIES}
_WORD_RE = {c: _any_of(tuple(re.escape(w) for w in _WORDS[c])) for c in CATEGORIES}


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


def _raw_scores(text: str) -> dict[str, float]:
    """Each category's score for ``text``, its sub-categories lifting their parents."""
    lower = " ".join(text.lower().replace("\u2019", "'").split())
    scores = {}
    for category in CATEGORIES:
        signals = len(_SIGNAL_RE[category].findall(lower))
        words = len(_WORD_RE[category].findall(lower))
        base = min(0.97, 0.7 + 0.1 * (signals - 1) + 0.03 * words) if signals else min(WORD_CAP, WORD_SCORE * words)
        scores[category] = base + _noise(text, category)
    for child, parent in (*_PARENT.items(), *_LIFT.items()):
        if scores[child] >= FLAG_AT:
            scores[parent] = max(scores[parent], 0.95 * scores[child])
    return scores


def classify(texts: list[str], image_urls: list[str], *, omni: bool) -> Verdict:
    """The verdict on one input: its texts together and its images (omni models only); a text
    model has no illicit categories and scores them 0."""
    text_scores = _raw_scores("\n".join(texts)) if texts else dict.fromkeys(CATEGORIES, 0.0)
    url_scores = [_raw_scores(url.replace("-", " ").replace("_", " ")) for url in image_urls] if omni else []
    flagged, scores, applied = {}, {}, {}
    for category in CATEGORIES:
        scored_by_model = omni or category in TEXT_ONLY_MODEL_CATEGORIES
        used = ["text"] if scored_by_model and (texts or not image_urls) else []
        score = text_scores[category] if scored_by_model else 0.0
        if url_scores and category in IMAGE_CATEGORIES:
            used.append("image")
            score = max(score, *(s[category] * IMAGE_DISCOUNT for s in url_scores))
        scores[category] = round(score, 8)
        flagged[category] = score >= FLAG_AT
        applied[category] = used
    return Verdict(flagged, scores, applied)
