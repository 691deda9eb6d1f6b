"""Reading a chat the way the simulated model does: directives, passages and the question.

Passages are lines ``[doc:ID updated:YYYY-MM-DD] text`` anywhere in the messages (the drill
world formats its retrieved chunks so); any other non-directive system text counts as context
too. The question is the last user message with its passages taken out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from fake_llm import textscan
from fake_llm.memo import ByteBudgetLRU
from fake_llm.types import Message, Role, quick_init

# Prompt directives the model honours, matched case-insensitively anywhere in the system prompt.
GROUNDED = "Answer only from the context"
UNGROUNDED = "Use your general knowledge"
JSON_ANSWER = "Respond in JSON"
CITE = "Cite sources"
DETAILED = "Be detailed"
DIRECTIVES = (GROUNDED, UNGROUNDED, JSON_ANSWER, CITE, DETAILED)
_LOWERED = {d: d.lower() for d in DIRECTIVES}
_DIRECTIVES_LOWERED = tuple(_LOWERED.values())

_PASSAGE = re.compile(r"^\s*\[doc:(?P<id>[^\s\]]+)(?:\s+updated:(?P<updated>[^\]\s]+))?\]\s*(?P<text>.+)$")
_WORD = re.compile(r"[a-z0-9$%][a-z0-9$%.,:/-]*[a-z0-9%]|[a-z0-9$%]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\"'])")
_STOP = frozenset(
    """
    a an the is are was were be been being do does did of to in on at for by with from and or but
    if then than that this these those it its i you we they he she my your our their me what use request
    which who whom whose when where why how can could should would will shall may might must have take long
    has had not no yes please tell about any there here as so up out into over more much many get
    got know let give need want am s
    """.split()
)


# A little of what a real model knows about meaning: words that ask for the same thing.
_SYNONYMS = {
    "price": "cost", "pric": "cost", "priced": "cost", "monthly": "month", "fee": "cost",
    "shipp": "ship", "delivery": "ship", "deliver": "ship", "arrive": "ship",
    "minimum": "least", "length": "characters", "period": "every", "window": "within",
    "login": "authentic", "sign-in": "authentic",
    "hour": "open", "paid": "pay", "payment": "pay", "rot": "rotate", "host": "hosted", "locat": "hosted",
    "seat": "seat", "limit": "up", "storage": "storage", "gb": "gb",
}


@quick_init
@dataclass(frozen=True)
class Passage:
    text: str
    doc_id: str | None = None
    updated: str | None = None


@quick_init
@dataclass(frozen=True)
class Candidate:
    sentence: str
    doc_id: str | None
    coverage: float  # share of the question's weighted terms the sentence contains


@quick_init
@dataclass(frozen=True)
class Prompt:
    directives: frozenset[str]
    passages: tuple[Passage, ...]
    question: str
    question_terms: tuple[str, ...] | None = None  # ``_terms(question)``, when read with it (``after``)

    def has(self, directive: str) -> bool:
        return (_LOWERED.get(directive) or directive.lower()) in self.directives


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Memoised for ordinary words only (see ``_terms``): numbers, prices and ids (``a-3019``,
    which starts with a letter) are new in almost every request, and kept here they grew the
    server's memory for hours."""
    return _stem_once(word)


def _stem_once(word: str) -> str:
    for suffix in ("ation", "ing", "ion", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return _SYNONYMS.get(word, word)


def terms(text: str) -> list[str]:
    """Content words, lower-cased and stemmed: what overlap is measured on."""
    return list(_terms(text))


_TERMS: ByteBudgetLRU[str, tuple[str, ...]] = ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=16 * 1024,
                                                             admit_on_second=True)


def _terms(text: str) -> tuple[str, ...]:
    """Memoised by bytes: the same chunks and questions come back on every request of a drill;
    a long text (a whole pasted document) is worked out each time rather than kept."""
    hit = _TERMS.get(text)
    if hit is not None:
        return hit
    found = _terms_of(text)
    _TERMS.put(text, found, 2 * len(text) + 8 * len(found))
    return found


def _terms_of(text: str) -> tuple[str, ...]:
    # long words as they are; so is a word ending in a digit or "%" (every suffix and synonym ends in a letter)
    return tuple([w if len(w) > 40 or not w[-1].isalpha() else stem(w) if w[0].isalpha() else _stem_once(w)
                  for w in textscan.findall(_WORD, text.lower()) if w not in _STOP])


@quick_init
@dataclass(frozen=True)
class _Read:
    """What one message contributes to a prompt, worked out once per distinct text."""

    directives: frozenset[str]
    passages: tuple[Passage, ...]  # its ``[doc:...]`` lines, then (a system message) its plain context lines
    question: str  # what it asks, when it is the last user message
    question_terms: tuple[str, ...]  # the question's terms, kept with it (not in ``_TERMS`` as well)


_READS: ByteBudgetLRU[tuple[str, bool], _Read] = ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=64 * 1024,
                                                                admit_on_second=True)


def _read(content: str, system: bool) -> _Read:
    """Memoised by bytes: a drill's system prompt and retrieved chunks come back on every request,
    and only the question is new; a long pasted document is read each time, not kept."""
    key = (content, system)
    hit = _READS.get(key)
    if hit is not None:
        return hit
    lowered = content.lower()
    directives = frozenset([d for d in _DIRECTIVES_LOWERED if d in lowered])
    passages: list[Passage] = []
    rest: list[str] = []
    if "[doc:" not in content:  # no passage line (the common question): no pattern to try per line
        rest = [ln for ln in map(str.strip, content.splitlines()) if ln]
    else:
        for line in content.splitlines():
            if match := _PASSAGE.match(line):
                passages.append(Passage(match["text"].strip(), match["id"], match["updated"]))
            elif line.strip():
                rest.append(line.strip())
    question = ""
    if system:
        plain = [ln for ln in rest if not any(d in ln.lower() for d in _DIRECTIVES_LOWERED)]
        passages.extend(Passage(ln) for ln in plain)
    else:
        asked = [ln for ln in rest if ln.lower().startswith("question:")]
        question = asked[-1][9:].strip() if asked else " ".join(
            ln for ln in rest if not ln.lower().startswith(("context:", "passages:"))
        )
    read = _Read(directives, tuple(passages), question, _terms_of(question) if question else ())
    _READS.put(key, read, 2 * len(content) + 64 * len(passages))
    return read


def read_prompt(messages: tuple[Message, ...]) -> Prompt:
    directives: set[str] = set()
    passages: list[Passage] = []
    question = ""
    last_user = max((i for i, m in enumerate(messages) if m.role is Role.USER), default=-1)
    for i, msg in enumerate(messages):
        read = _read(msg.content, msg.role is Role.SYSTEM)
        directives.update(read.directives)
        passages.extend(read.passages)
        if i == last_user:
            question = read.question
    return Prompt(frozenset(directives), tuple(passages), question)


def after(past: Prompt, question: Message) -> Prompt:
    """``read_prompt`` of a conversation whose past reads as ``past`` (``read_prompt`` of its
    messages and an empty user message) and whose last message is the user's ``question``."""
    read = _read(question.content, False)
    passages = past.passages + read.passages if read.passages else past.passages
    directives = past.directives | read.directives if read.directives else past.directives
    return Prompt(directives, passages, read.question, read.question_terms)


_SENTENCES: ByteBudgetLRU[str, tuple[tuple[str, frozenset[str]], ...]] = ByteBudgetLRU(
    4 * 1024 * 1024, max_entry_bytes=64 * 1024, admit_on_second=True)


def _sentences(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A passage's sentences with their terms, memoised by bytes: the same chunks are ranked
    against every question of a drill."""
    hit = _SENTENCES.get(text)
    if hit is not None:
        return hit
    out = tuple((s.strip(), frozenset(_terms(s.strip()))) for s in _SENTENCE.split(text) if s.strip())
    _SENTENCES.put(text, out, 3 * len(text) + 64 * len(out))
    return out


@quick_init
@dataclass(frozen=True)
class _Pool:
    """The sentences of one list of passages with their terms, and every term any of them has."""

    sentences: tuple[tuple[str, str | None, frozenset[str]], ...]  # (sentence, doc id, terms)
    vocabulary: frozenset[str]


_PoolKey = tuple[tuple[str, str | None], ...]  # (text, doc id) of each passage: all that ranking reads

_POOLS: ByteBudgetLRU[_PoolKey, _Pool] = ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=256 * 1024,
                                                       admit_on_second=True)
_RANKED: ByteBudgetLRU[tuple[_PoolKey, frozenset[str], int], tuple[Candidate, ...]] = ByteBudgetLRU(
    4 * 1024 * 1024, max_entry_bytes=64 * 1024, admit_on_second=True)


def _pool(key: _PoolKey, passages: tuple[Passage, ...]) -> _Pool:
    hit = _POOLS.get(key)
    if hit is not None:
        return hit
    sentences = tuple([(s, p.doc_id, bag) for p in passages for s, bag in _sentences(p.text)])
    pool = _Pool(sentences, frozenset().union(*[bag for _, _, bag in sentences]))
    _POOLS.put(key, pool, 2 * sum(len(p.text) for p in passages) + 64 * len(sentences))
    return pool


_last_pool: tuple[tuple[Passage, ...], _PoolKey, _Pool] | None = None  # replaced in one assignment


def _keep_pool(passages: tuple[Passage, ...], key: _PoolKey, pool: _Pool) -> None:
    """The pool ranked last, found again by identity: every question after one past ranks the
    same tuple of passages, whose key was built and hashed anew for each."""
    global _last_pool
    _last_pool = (passages, key, pool)


def rank(question: str, passages: tuple[Passage, ...], wanted: tuple[str, ...] | None = None) -> list[Candidate]:
    """Context sentences by how much of the question they answer, best first (stable order).

    The ranking depends on the question only through the terms some sentence shares and how
    many it has that none does (each weighs the same), so questions that differ in a name, a
    number or a ticket id, as a drill's do, share one ranking, worked out once. ``wanted``: the
    question's terms, when the caller has them.
    """
    if wanted is None:
        wanted = _terms(question)
    if not wanted or not passages:
        return []
    last = _last_pool
    if last is not None and last[0] is passages:  # a conversation's passages, read once (``after``)
        key, pool = last[1], last[2]
    else:
        key = tuple([(p.text, p.doc_id) for p in passages])
        pool = _pool(key, passages)
        _keep_pool(passages, key, pool)
    matched = pool.vocabulary.intersection(wanted)
    if not matched:
        return []
    unmatched = len(set(wanted)) - len(matched)
    ranked_key = (key, matched, unmatched)
    hit = _RANKED.get(ranked_key)
    if hit is not None:
        return list(hit)
    scored = _score(pool.sentences, matched, unmatched)
    _RANKED.put(ranked_key, tuple(scored), 64 * len(scored) + 16 * len(matched))
    return scored


def _score(sentences: tuple[tuple[str, str | None, frozenset[str]], ...], matched: frozenset[str],
           unmatched: int) -> list[Candidate]:
    """Coverage: the share of the question's weight (rarer terms weigh more) a sentence holds.
    Sums are exact (``math.fsum``), so equal term sets score equal whatever their order."""
    shared = [matched & bag for _, _, bag in sentences]
    df = dict.fromkeys(matched, 0)
    for common in shared:
        for t in common:
            df[t] += 1
    n = len(sentences)
    weight = {t: math.log(1 + n / (1 + df[t])) + 0.5 for t in matched}
    total = math.fsum([*weight.values(), *[math.log(1 + n) + 0.5] * unmatched])  # a term no sentence has: df 0
    get = weight.__getitem__
    # every weight is above 0.5: a sentence sharing a term has a coverage above 0, and only those are kept
    scored = [Candidate(s, doc, math.fsum(map(get, common)) / total)
              for (s, doc, _), common in zip(sentences, shared, strict=True) if common]
    scored.sort(key=_less_covered)
    return scored


def _less_covered(c: Candidate) -> float:
    return -c.coverage
