"""The simulated model: a deterministic function that is right and wrong for the right reasons.

It answers the user's question with the context sentence that best answers it. With no answering
context it follows its profile (says it does not know, or fabricates). A prompt that asks it to
use its general knowledge makes it fabricate even when the context has the answer: that is how a
prompt regression produces wrong answers with a consistent pattern. Same input, same output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import random
import re
from dataclasses import dataclass, replace
from typing import Any

from faker import Faker

from fake_llm import agent, lazy_random, sampling, smalltalk
from fake_llm.catalog import Catalog, ModelProfile
from fake_llm.context import (
    CITE,
    DETAILED,
    GROUNDED,
    JSON_ANSWER,
    UNGROUNDED,
    Candidate,
    Passage,
    Prompt,
    after,
    rank,
    read_prompt,
    terms,
)
from fake_llm.falsehoods import falsify
from fake_llm.json_mode import asked_schema, without_examples, written_schema
from fake_llm.memo import ByteBudgetLRU
from fake_llm.schema_fill import fill_schema
from fake_llm.tokens import count_tokens, logprobs_for, split_tokens
from fake_llm.types import AnswerSource, FinishReason, Message, ModelReply, ModelRequest, Role, quick_init

ANSWER_THRESHOLD = 0.45  # share of the question a sentence must cover to count as an answer
DONT_KNOW = "I don't know: the information I have does not answer that."
REFUSAL = "I'm sorry, but I can't help with that request."

_faker = Faker()


def _request_seed(seed: int | None, request: ModelRequest) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{seed}|{request.model_version}".encode())
    for m in request.messages:
        digest.update(f"|{m.role}:{m.content}".encode())
    return digest.hexdigest()


def _rng(seed: int | None, request: ModelRequest) -> random.Random:
    """The request's random stream (seeded on its first draw); each further sampled choice has its own."""
    def seed_text() -> str:
        base = _request_seed(seed, request)
        return base if request.choice == 0 else f"{base}/choice-{request.choice}"
    return lazy_random.lazy(seed_text)


def fabricate(question: str, rng: random.Random, like: str | None = None) -> str:
    """A plausible answer that is false: the shape of the truth with other facts in it."""
    if like and re.search(r"\d", like):
        return falsify(like, rng)  # the same sentence with believable other facts ("9am to 5pm" -> "8am to 6pm")
    _faker.seed_instance(rng.getrandbits(32))
    q = question.lower()
    if any(w in q for w in ("price", "cost", "how much", "fee")):
        return f"It costs ${rng.randint(5, 400)} per month."
    if any(w in q for w in ("how many", "limit", "maximum", "how long", "days")):
        return f"The limit is {rng.randint(2, 120)}."
    if any(w in q for w in ("when", "hours", "time", "open")):
        return f"From {rng.randint(6, 10)}am to {rng.randint(4, 9)}pm, {_faker.day_of_week()} to Friday."
    if any(w in q for w in ("where", "region", "country", "ship")):
        return f"We operate from {_faker.city()}, {_faker.country()}."
    return _faker.sentence(nb_words=12)


def _pick(ranked: list[Candidate], profile: ModelProfile, rng: random.Random) -> Candidate | None:
    if not ranked or ranked[0].coverage < ANSWER_THRESHOLD:
        return None
    if len(ranked) > 1:
        if profile.answer_accuracy >= 1:
            lazy_random.skip(rng)  # random() is below 1: the best is chosen whatever it draws
        elif rng.random() >= profile.answer_accuracy:
            return ranked[1]
    return ranked[0]


def _answer(prompt: Prompt, profile: ModelProfile, rng: random.Random) -> tuple[str, AnswerSource, list[str]]:
    """The answer from the context: the best sentence, padded by verbosity; else don't-know or made up."""
    ranked = rank(prompt.question, prompt.passages, prompt.question_terms)
    best = _pick(ranked, profile, rng)
    from_memory = prompt.has(UNGROUNDED) and not prompt.has(GROUNDED)
    if best is not None and not (from_memory and rng.random() < profile.fabrication_rate):
        text = best.sentence
        extra = max(0.0, profile.verbosity - 1) * 2 + (2 if prompt.has(DETAILED) else 0)
        related = [c.sentence for c in ranked if c is not best][: round(extra)]
        text = " ".join([text, *related])
        cited = [best.doc_id] if best.doc_id else []
        return text, AnswerSource.CONTEXT, cited
    admits = prompt.has(GROUNDED) or profile.unknown_behaviour == "dont_know"
    if best is None and (fixed := smalltalk.reply(prompt.question)) is not None:
        return fixed, AnswerSource.GENERAL, []
    if best is None and admits and not from_memory:
        return DONT_KNOW, AnswerSource.UNKNOWN, []
    like = ranked[0].sentence if ranked else None
    return fabricate(prompt.question, rng, like), AnswerSource.FABRICATED, []


def _truncate(text: str, limit: int | None, stop: tuple[str, ...] = ()) -> tuple[str, FinishReason, str | None]:
    """The text cut at the first stop sequence or at ``limit`` tokens, with why it ended."""
    hits = [(text.index(s), s) for s in stop if s and s in text]
    if hits:
        at, seq = min(hits)
        return text[:at], FinishReason.STOP, seq
    if limit and limit > 0 and count_tokens(text) > limit:
        kept, used = [], 0
        for piece in split_tokens(text):
            used += count_tokens(piece)
            if used > limit:
                break
            kept.append(piece)
        return "".join(kept), FinishReason.LENGTH, None
    return text, FinishReason.STOP, None


def generate(request: ModelRequest, catalog: Catalog | None = None, seed: int | None = 0, *,
             repeat: bool | None = None) -> ModelReply:
    """The model's reply to ``request``: pure, and the same for the same request and seed.

    Pure means cacheable: a drill asks the same questions over the same chunks again and again,
    so replies are memoised and each caller gets its own copy (generation faults edit replies).
    This is the model's one memo; requests with tools or a schema (dicts inside) are not memoised.
    ``repeat`` is what the caller knows of the request: False, new (nothing to look up, and
    keeping it would keep what never comes back); True, asked before (kept at once); None, not
    known (kept the second time it is put, as ``fake_llm.memo`` admits).
    """
    profile = (catalog or Catalog()).resolve(request.model_version)
    if repeat is False or request.json_schema is not None or request.tools:  # schemas are dicts: not hashable
        return _generate(request, profile, seed)
    return _copy(_cached_generate(request, profile, seed, returning=bool(repeat)))


def _copy(reply: ModelReply) -> ModelReply:
    """A copy whose lists are its own, made without ``dataclasses.replace`` (which re-runs
    ``__init__`` through generic field lookups and cost more than a memo hit itself)."""
    out = object.__new__(ModelReply)
    out.__dict__.update(reply.__dict__)
    out.tool_calls = list(reply.tool_calls)
    out.cited = list(reply.cited)
    out.logprobs = list(reply.logprobs) if reply.logprobs is not None else None
    return out


class _Key:
    """A memo key that hashes once. A tuple's hash is not kept, and one lookup and one put hash
    the key up to five times: each time the model profile's generated ``__hash__`` (two dozen
    fields, in Python) and every message (a tool call's hash is a JSON dump) ran again."""

    __slots__ = ("fields", "_hash")

    def __init__(self, fields: tuple[Any, ...]) -> None:
        self.fields = fields
        self._hash = hash(fields)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self._hash == other._hash and self.fields == other.fields


_REPLIES: ByteBudgetLRU[_Key, ModelReply] = ByteBudgetLRU(
    8 * 1024 * 1024, max_entry_bytes=256 * 1024, entry_overhead_bytes=2048, admit_on_second=True)


_OTHER_FIELDS = operator.itemgetter(*(f.name for f in dataclasses.fields(ModelRequest) if f.name != "messages"))


def _memo_key(request: ModelRequest, profile: ModelProfile, seed: int | None) -> _Key:
    """Every field of the request as plain tuples: hashed and compared in C, where the frozen
    dataclasses' generated ``__hash__``/``__eq__`` ran in Python per message on every lookup."""
    return _Key((profile, seed, tuple([tuple(m.__dict__.values()) for m in request.messages]),
                 _OTHER_FIELDS(request.__dict__)))


def _cached_generate(request: ModelRequest, profile: ModelProfile, seed: int | None, *,
                     returning: bool = False) -> ModelReply:
    """Memoised by bytes (fake_llm.memo): a 3.9 MB prompt is answered but not kept."""
    key = _memo_key(request, profile, seed)
    hit = _REPLIES.get(key)
    if hit is not None:
        return hit
    reply = _generate(request, profile, seed)
    weight = sum(len(m.content) for m in request.messages) + len(reply.text or "")
    _REPLIES.put(key, reply, weight, returning=returning)
    return reply


_PRONOUNS = {"i": "you", "me": "you", "my": "your", "mine": "yours", "i'm": "you're", "am": "are", "myself": "yourself",
             "we": "you", "our": "your", "us": "you"}


def _as_heard(statement: str) -> str:
    """A user's own statement as the model would say it back: "My name is Bob" -> "Your name is Bob"."""
    def swap(match: re.Match[str]) -> str:
        word = match[0]
        out = _PRONOUNS.get(word.lower(), word)
        return out.capitalize() if word[0].isupper() else out
    return re.sub(r"\b(?:I'm|I|me|my|mine|am|myself|we|our|us)\b", swap, statement, flags=re.I)


def _message_tokens(messages: tuple[Message, ...]) -> int:
    total = sum(count_tokens(m.content) + 4 for m in messages)
    for m in messages:
        total += sum(count_tokens(json.dumps(c.arguments)) + count_tokens(c.name) + 4 for c in m.tool_calls)
    return total


@quick_init
@dataclass(frozen=True)
class _Past:
    """What the messages before a user's question say, read once per conversation: the questions
    of a drill, of a load test and of a chat come one by one after the same system prompt and
    turns. Each part is what the whole-request reading makes of those messages followed by an
    empty question, so the question's own part is all a new one adds."""

    prompt: Prompt  # the directives and passages of those messages (and an empty question)
    tokens: int  # their share of the prompt's token count
    history: tuple[Passage, ...]  # the earlier turns as context
    earlier_questions: tuple[str, ...]
    shows_schema: bool  # a JSON Schema written into one of them

    def turn(self, question: str) -> agent.Turn:
        return agent.Turn(question, [], [], [], list(self.earlier_questions), [])


_NO_QUESTION = Message(Role.USER, "")
_PASTS: ByteBudgetLRU[_Key, _Past] = ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=256 * 1024,
                                                   entry_overhead_bytes=1024, admit_on_second=True)


def _past(messages: tuple[Message, ...]) -> _Past | None:
    """The past of a request whose last message is a user's question, memoised by its messages
    (kept once they come twice). None when there is no past, or one with tool calls or results in
    it (an agent loop's arguments are dicts: read afresh every time, as the reply memo does)."""
    if len(messages) < 2 or messages[-1].role is not Role.USER:
        return None
    before = messages[:-1]
    last = _last_past
    if last is not None and last[0] == before:  # the same message objects (a parsed frame's): no hashing
        return last[1]
    if any(m.tool_calls or m.role is Role.TOOL for m in before):
        return None
    key = _Key(tuple([tuple(m.__dict__.values()) for m in before]))
    hit = _PASTS.get(key)
    if hit is not None:
        _remember(before, hit)
        return hit
    asked = (*before, _NO_QUESTION)
    past = _Past(read_prompt(asked), _message_tokens(before), _history(asked),
                 tuple(agent.read_turn(asked, "").earlier_questions), _shows_schema(before))
    _PASTS.put(key, past, sum(len(m.content) for m in before) * 3)
    return past


_last_past: tuple[tuple[Message, ...], _Past] | None = None  # the past met last, replaced in one assignment


def _remember(before: tuple[Message, ...], past: _Past) -> None:
    global _last_past
    _last_past = (before, past)


def _history(messages: tuple[Message, ...]) -> tuple[Passage, ...]:
    """Earlier turns as context: what the user told the model and what it answered."""
    last_user = max((i for i, m in enumerate(messages) if m.role is Role.USER), default=-1)
    out: list[Passage] = []
    for m in messages[:max(last_user, 0)]:
        if m.role is Role.USER:
            said = [s for s in re.split(r"(?<=[.!?])\s+", m.content) if s.strip() and not s.rstrip().endswith("?")]
            out.extend(Passage(_as_heard(s.strip())) for s in said if not s.lstrip().startswith("[doc:"))
        elif m.role is Role.ASSISTANT and m.content.strip() and not m.tool_calls:
            out.append(Passage(m.content.strip()))
    return tuple(out)


def _input_tokens(request: ModelRequest, past: _Past | None = None) -> int:
    if past is None:
        total = _message_tokens(request.messages) + 3
    else:  # the past's messages as counted, then the question
        total = past.tokens + count_tokens(request.messages[-1].content) + 4 + 3
    for tool in request.tools:
        total += count_tokens(tool.name) + count_tokens(tool.description) + count_tokens(
            json.dumps(tool.parameters, default=str)[:20_000]) + 8
    return total


def _json_text(schema: dict[str, Any], request: ModelRequest, prompt: Prompt, text: str,
               rng: random.Random) -> tuple[str, bool]:
    """The JSON the schema asks for, values taken from the question, the context and the answer."""
    context = "\n".join([prompt.question, *(p.text for p in prompt.passages), text])
    if request.json_schema is None:  # JSON mode: the prompt's example object is a shape, not facts
        context = without_examples(context)
    filled = fill_schema(schema, context, rng, answer=text, question=prompt.question)
    return json.dumps(filled.value, ensure_ascii=False), filled.truncated


def _generate(request: ModelRequest, profile: ModelProfile, seed: int | None) -> ModelReply:
    rng = _rng(seed, request)
    past = _past(request.messages)
    prompt = read_prompt(request.messages) if past is None else after(past.prompt, request.messages[-1])
    input_tokens = _input_tokens(request, past)
    ttft_s = (profile.ttft_ms + profile.ms_per_1k_prompt_tokens * input_tokens / 1000) / 1000
    limit = min(x for x in (request.max_tokens, profile.max_output_tokens) if x) if (
        request.max_tokens or profile.max_output_tokens) else None

    def reply(text: str, finish: FinishReason, source: AnswerSource, **extra: Any) -> ModelReply:
        out = count_tokens(text) if text else 0
        for call in extra.get("tool_calls", []):
            out += count_tokens(json.dumps(call.arguments)) + 5
        reasoning = _reasoning_tokens(profile, prompt.question, rng) if profile.reasoning else 0
        if request.logprobs is not None and text:
            extra["logprobs"] = logprobs_for(text, request.logprobs, f"{seed}|{profile.version}")
        return ModelReply(
            text=text, finish_reason=finish, source=source, input_tokens=input_tokens,
            output_tokens=max(out, 1) + reasoning, ttft_s=ttft_s + reasoning * profile.per_token_ms / 1000,
            per_token_s=profile.per_token_ms / 1000, model_version=profile.version,
            system_fingerprint=profile.system_fingerprint, reasoning_tokens=reasoning, **extra,
        )

    lowered = prompt.question.lower()
    if any(k in lowered for k in profile.refusal_keywords):
        return reply("", FinishReason.REFUSAL, AnswerSource.REFUSED, refusal=REFUSAL)
    if past is None:
        turn, history = agent.read_turn(request.messages, prompt.question), _history(request.messages)
    else:
        turn, history = past.turn(prompt.question), past.history
    if turn.earlier_results:
        history += tuple(Passage(agent.readable(r.output)) for r in turn.earlier_results
                         if not agent.is_handoff(r.name))
    if history:
        prompt = replace(prompt, passages=prompt.passages + history)
    from_tools = agent.answer(turn, {c.id: c for c in turn.calls}) if turn.results else None
    if from_tools is not None:
        cited: list[str] = []
        text, source = from_tools, AnswerSource.CONTEXT
    else:
        text, source, cited = _answer(prompt, profile, rng)
    context = "\n".join(p.text for p in prompt.passages) if request.tools else ""  # only tools read it
    calls = agent.plan(request.tools, request.tool_choice, request.parallel_tool_calls, turn, context, rng, text,
                       answered=source in (AnswerSource.CONTEXT, AnswerSource.GENERAL))
    if calls:
        return reply("", FinishReason.TOOL_CALLS, AnswerSource.TOOL, tool_calls=calls)
    schema = request.json_schema
    if schema is None and request.json_mode:
        schema = asked_schema(_asked(request))
    elif schema is None and (_shows_schema(request.messages) if past is None
                             else past.shows_schema or _shows_schema(request.messages[-1:])):
        schema = written_schema(_asked(request))  # a JSON Schema in the prompt, asked for outside JSON mode
    if schema is not None:
        if source is AnswerSource.UNKNOWN and (ranked := rank(prompt.question, prompt.passages)):
            text = ranked[0].sentence  # extracting, not answering: the closest context is the content
        body, cut = _json_text(schema, request, prompt, text, rng)
        body, finish, _ = _truncate(body, limit)
        return reply(body, FinishReason.LENGTH if cut else finish, AnswerSource.STRUCTURED, cited=cited)
    json_answer = request.json_mode or prompt.has(JSON_ANSWER)
    if request.choice and not json_answer:
        text = sampling.reworded(text, request.choice, _request_seed(seed, request),
                                 lead_in=source is not AnswerSource.UNKNOWN)
    if prompt.has(CITE) and cited:
        text = f"{text} [doc:{cited[0]}]"
    if json_answer:
        text = json.dumps({"answer": text, "sources": cited})
    text, finish, matched = _truncate(text, limit, request.stop)
    return reply(text, finish, source, cited=cited, stop_sequence=matched)


_ASKING = (Role.SYSTEM, Role.USER)


def _shows_schema(messages: tuple[Message, ...]) -> bool:
    """Whether a system or user message has a JSON Schema written into it."""
    return any('"properties"' in m.content for m in messages if m.role in _ASKING)


def _asked(request: ModelRequest) -> str:
    """What the system and user messages say: where a prompt asks for the JSON it wants."""
    return "\n".join(m.content for m in request.messages if m.role in _ASKING)


def _reasoning_tokens(profile: ModelProfile, question: str, rng: random.Random) -> int:
    """Hidden reasoning: longer for longer questions, as o-series and gpt-5 models bill it."""
    return int(profile.reasoning_tokens_base + 24 * len(terms(question)) + rng.randint(0, 64))
