"""The simulated model: a deterministic function that is right and wrong for the right reasons.

It answers the user's question with the context sentence that best answers it. With no answering
context it follows its profile (says it does not know, or fabricates). A prompt that asks it to
use its general knowledge makes it fabricate even when the context has the answer: that is how a
prompt regression produces wrong answers with a consistent pattern. Same input, same output.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import replace
from functools import lru_cache

from faker import Faker

from fake_llm.catalog import Catalog, ModelProfile
from fake_llm.context import (
    CITE,
    DETAILED,
    GROUNDED,
    JSON_ANSWER,
    UNGROUNDED,
    Candidate,
    Prompt,
    rank,
    read_prompt,
    terms,
)
from fake_llm.schema_fill import fill_schema
from fake_llm.tokens import count_tokens, split_tokens
from fake_llm.types import AnswerSource, FinishReason, ModelReply, ModelRequest, Tool, ToolCall

ANSWER_THRESHOLD = 0.45  # share of the question a sentence must cover to count as an answer
DONT_KNOW = "I don't know: the information I have does not answer that."
REFUSAL = "I'm sorry, but I can't help with that request."

_faker = Faker()


def _rng(seed: int | None, request: ModelRequest) -> random.Random:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{seed}|{request.model_version}".encode())
    for m in request.messages:
        digest.update(f"|{m.role}:{m.content}".encode())
    return random.Random(digest.hexdigest())


def fabricate(question: str, rng: random.Random, like: str | None = None) -> str:
    """A plausible answer that is false: the shape of the truth with other facts in it."""
    if like and re.search(r"\d", like):
        return re.sub(r"\d+", lambda m: str(int(m[0]) + rng.randint(1, 9) * 10 ** (len(m[0]) - 1)), like)
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
    if len(ranked) > 1 and rng.random() >= profile.answer_accuracy:
        return ranked[1]
    return ranked[0]


def _answer(prompt: Prompt, profile: ModelProfile, rng: random.Random) -> tuple[str, AnswerSource, list[str]]:
    ranked = rank(prompt.question, prompt.passages)
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
    if best is None and admits and not from_memory:
        return DONT_KNOW, AnswerSource.UNKNOWN, []
    like = ranked[0].sentence if ranked else None
    return fabricate(prompt.question, rng, like), AnswerSource.FABRICATED, []


def _wants_tool(request: ModelRequest, question: str) -> Tool | None:
    if not request.tools or request.tool_choice == "none":
        return None
    named = {t.name: t for t in request.tools}
    if request.tool_choice in named:
        return named[request.tool_choice]
    if request.tool_choice == "required":
        return request.tools[0]
    asked = set(terms(question))
    for tool in request.tools:
        words = set(terms(tool.name.replace("_", " ") + " " + tool.description))
        if asked & words:
            return tool
    return None


def _truncate(text: str, request: ModelRequest) -> tuple[str, FinishReason]:
    for stop in request.stop:
        if stop and stop in text:
            return text[: text.index(stop)], FinishReason.STOP
    if request.max_tokens and request.max_tokens > 0 and count_tokens(text) > request.max_tokens:
        pieces, kept = split_tokens(text), []
        for piece in pieces:
            if count_tokens("".join([*kept, piece])) > request.max_tokens:
                break
            kept.append(piece)
        return "".join(kept), FinishReason.LENGTH
    return text, FinishReason.STOP


def generate(request: ModelRequest, catalog: Catalog | None = None, seed: int | None = 0) -> ModelReply:
    """The model's reply to ``request``: pure, and the same for the same request and seed.

    Pure means cacheable: a drill asks the same questions over the same chunks again and again,
    so replies are memoised and each caller gets its own copy (generation faults edit replies).
    """
    profile = (catalog or Catalog()).resolve(request.model_version)
    if request.json_schema is not None or request.tools:  # schemas are dicts: not hashable
        return _generate(request, profile, seed)
    return _copy(_cached_generate(request, profile, seed))


def _copy(reply: ModelReply) -> ModelReply:
    return replace(reply, tool_calls=list(reply.tool_calls), cited=list(reply.cited))


@lru_cache(maxsize=8192)
def _cached_generate(request: ModelRequest, profile: ModelProfile, seed: int | None) -> ModelReply:
    return _generate(request, profile, seed)


def _generate(request: ModelRequest, profile: ModelProfile, seed: int | None) -> ModelReply:
    rng = _rng(seed, request)
    prompt = read_prompt(request.messages)
    input_tokens = sum(count_tokens(m.content) + 4 for m in request.messages) + 3
    ttft_s = (profile.ttft_ms + profile.ms_per_1k_prompt_tokens * input_tokens / 1000) / 1000

    def reply(text: str, finish: FinishReason, source: AnswerSource, **extra: object) -> ModelReply:
        out = count_tokens(text) if text else 0
        for call in extra.get("tool_calls", []):  # type: ignore[union-attr]
            out += count_tokens(json.dumps(call.arguments)) + 5
        return ModelReply(
            text=text, finish_reason=finish, source=source, input_tokens=input_tokens,
            output_tokens=max(out, 1), ttft_s=ttft_s, per_token_s=profile.per_token_ms / 1000,
            model_version=profile.version, system_fingerprint=profile.system_fingerprint,
            **extra,  # type: ignore[arg-type]
        )

    lowered = prompt.question.lower()
    if any(k in lowered for k in profile.refusal_keywords):
        return reply("", FinishReason.REFUSAL, AnswerSource.REFUSED, refusal=REFUSAL)
    if tool := _wants_tool(request, prompt.question):
        args = fill_schema(tool.parameters, prompt.question, rng)
        call = ToolCall(id=f"call_{rng.getrandbits(96):024x}", name=tool.name, arguments=args)
        return reply("", FinishReason.TOOL_CALLS, AnswerSource.TOOL, tool_calls=[call])
    text, source, cited = _answer(prompt, profile, rng)
    if request.json_schema is not None:
        body = json.dumps(fill_schema(request.json_schema, text, rng, answer=text))
        return reply(body, FinishReason.STOP, AnswerSource.STRUCTURED, cited=cited)
    if prompt.has(CITE) and cited:
        text = f"{text} [doc:{cited[0]}]"
    if request.json_mode or prompt.has(JSON_ANSWER):
        text = json.dumps({"answer": text, "sources": cited})
    text, finish = _truncate(text, request)
    return reply(text, finish, source, cited=cited)
