"""The AI feature: retrieve → assemble prompt → call the model → parse → answer with citations.

It calls the fake provider in-process through the same wire path an SDK uses over HTTP (an
OpenAI-format body in, JSON bytes out, parsed as the SDK parses them), so every provider fault
reaches it exactly as it would reach production. Time is simulated: latency is computed, never
slept. Every answer carries the truth (correct, bad) that only the facilitator and scorer see.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from fake_llm.hooks import Flavour, Hooks, RequestInfo, Stage
from fake_llm.memo import ByteBudgetLRU
from fake_llm.provider import CHAT_ROUTE, Provider, ProviderResult
from fake_llm.wire.common import loads
from fake_llm.world.controls import Controls
from fake_llm.world.index import Chunk
from fake_llm.world.knowledge import GoldenQuestion, KnowledgeBase
from fake_llm.world.prompts import PromptRegistry
from fake_llm.world.stages import ParsingContext, PromptContext, RetrievalContext

UNAVAILABLE = "Sorry, the assistant is temporarily unavailable. Please contact support."
DISCLAIMER = " (AI-generated answer: please verify important details with support.)"
CLIENT_TIMEOUT_S = 30.0
MAX_RETRIES = 2
RETRIEVAL_S = 0.04
DONT_KNOW_MARKERS = ("don't know", "do not know", "not sure")


@dataclass
class Answer:
    trace_id: str
    t_s: float
    user: str
    segment: str
    question: GoldenQuestion
    status: str  # ok | error | refused | unavailable | disabled | cached
    text: str
    served: bool
    correct: bool
    bad: bool
    latency_s: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""
    model_version: str = ""
    system_fingerprint: str = ""
    prompt_version: str = ""
    chunks: list[Chunk] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    error_type: str | None = None
    http_status: int | None = None
    attempts: int = 0
    fallback: str = "off"
    disclaimer: bool = False
    faults: list[str] = field(default_factory=list)
    context_tokens: int = 0
    embedding_model: str = ""  # the snapshot that embedded the query
    index_embedding_model: str = ""  # the snapshot that embedded the index

    @property
    def refused(self) -> bool:
        return self.status == "refused"


def is_correct(kb: KnowledgeBase, question: GoldenQuestion, text: str) -> bool:
    expected = kb.expected(question)
    if expected is None:  # a question the knowledge base cannot answer: saying so is right
        return any(m in text.lower() for m in DONT_KNOW_MARKERS)
    return expected.lower() in text.lower()


class Feature:
    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        prompts: PromptRegistry,
        provider: Provider,
        hooks: Hooks,
        controls: Controls,
        top_k: int = 4,
    ) -> None:
        self.kb, self.prompts, self.provider, self.hooks = kb, prompts, provider, hooks
        self.controls = controls
        self.top_k = top_k

    def ask(
        self,
        *,
        trace_id: str,
        t_s: float,
        user: str,
        segment: str,
        question: GoldenQuestion,
        prompt_version: str | None = None,
        model: str | None = None,
        direct: bool = False,
    ) -> Answer:
        """One question through the pipeline. ``direct`` is on-call's replay: it goes to the model even
        while the feature is switched off or routed to a fallback, since that is when people debug."""
        c = self.controls
        answer = Answer(
            trace_id,
            t_s,
            user,
            segment,
            question,
            "disabled",
            "",
            False,
            False,
            False,
            fallback=c.fallback,
            disclaimer=c.disclaimer,
        )
        if not direct and (not c.feature_on or question.topic in c.disabled_topics):
            answer.text = UNAVAILABLE
            return answer
        if not direct and c.fallback == "unavailable":
            answer.status, answer.text = "unavailable", UNAVAILABLE
            return answer
        if not direct and c.fallback == "cached":
            return self._cached(answer)
        if direct:
            answer.fallback = "off"
        alias = model or (c.backup_model if c.fallback == "backup-model" and not direct else c.model)
        profile = self.provider.catalog.resolve(alias)
        info = RequestInfo(
            key=trace_id,
            flavour=Flavour.ASSISTANT,
            route="/v1/assistant/ask",
            model=alias,
            text=question.text,
            segment=segment,
            topic=question.topic,
            model_version=profile.version,
            model_family=profile.family,
        )
        self._answer_with_model(answer, info, alias, prompt_version)
        if answer.served and c.disclaimer:
            answer.text += DISCLAIMER
        return answer

    # --- the pipeline ------------------------------------------------------------------------

    def _answer_with_model(self, answer: Answer, info: RequestInfo, alias: str, prompt_version: str | None) -> None:
        index = self.controls.index
        retrieval = RetrievalContext(
            info, answer.question.text, index, index.search(answer.question.text, self.top_k), self.top_k,
            embedding_model=index.embedding_model,
        )
        self.hooks.apply(Stage.RETRIEVAL, retrieval)
        answer.embedding_model, answer.index_embedding_model = retrieval.embedding_model, index.embedding_model
        prompt = self.prompts.versions[prompt_version] if prompt_version else self.prompts.current
        passages = [f"[doc:{ch.doc_id} updated:{_date(ch.updated_at_s)}] {ch.text}" for ch in retrieval.chunks]
        built = PromptContext(info, prompt.version, prompt.text, passages)
        self.hooks.apply(Stage.PROMPT, built)
        answer.prompt_version, answer.chunks, answer.model = prompt.version, retrieval.chunks, alias
        answer.faults = [*retrieval.injected, *built.injected]
        raw = _request_body(alias, built.system,
                            "Context:\n" + "\n".join(built.passages) + f"\nQuestion: {answer.question.text}")
        headers = {
            "authorization": "Bearer firedrill-world",
            "x-firedrill-segment": answer.segment,
            "x-firedrill-topic": answer.question.topic,
        }
        answer.latency_s = RETRIEVAL_S
        for parse_attempt in range(self.controls.parse_retries + 1):  # the app's own retry on unparsable answers
            result, latency, attempts = self._call(raw, headers)
            answer.latency_s += latency
            answer.attempts += attempts
            ex = result.exchange
            if ex is not None:
                answer.faults += ex.injected
                answer.model_version = ex.model_version
                if ex.reply is not None and result.status == 200:  # billed, whether or not it parses
                    profile = self.provider.catalog.resolve(ex.model_version)
                    answer.input_tokens += ex.reply.input_tokens
                    answer.output_tokens += ex.reply.output_tokens
                    answer.cost_usd += profile.cost_usd(ex.reply.input_tokens, ex.reply.output_tokens)
                    answer.system_fingerprint = ex.reply.system_fingerprint
                    answer.context_tokens = ex.reply.input_tokens
            self._parse(answer, info, result)
            if answer.error_type != "JSONDecodeError" or parse_attempt == self.controls.parse_retries:
                break
            answer.status, answer.error_type = "disabled", None

    def _call(self, raw: bytes, headers: dict[str, str]) -> tuple[ProviderResult, float, int]:
        """Call the provider as the SDK would: retries on 408/409/429/5xx and timeouts, in simulated time."""
        elapsed = 0.0
        for attempt in range(MAX_RETRIES + 1):
            result = self.provider.handle(
                Flavour.OPENAI, CHAT_ROUTE, {**headers, "x-stainless-retry-count": str(attempt)}, raw
            )
            timed_out = result.hang_s >= CLIENT_TIMEOUT_S or result.latency_s >= CLIENT_TIMEOUT_S
            retryable = timed_out or result.drop_connection or result.status in (408, 409, 429) or result.status >= 500
            if not retryable or attempt == MAX_RETRIES:
                elapsed += CLIENT_TIMEOUT_S if timed_out else result.latency_s
                return result, elapsed, attempt + 1
            elapsed += CLIENT_TIMEOUT_S if timed_out else result.latency_s
            wait_ms = result.headers.get("retry-after-ms")
            elapsed += float(wait_ms) / 1000 if wait_ms else min(0.5 * 2**attempt, 8.0)
        raise AssertionError("unreachable")

    def _parse(self, answer: Answer, info: RequestInfo, result: ProviderResult) -> None:
        answer.http_status = result.status or None
        if result.drop_connection or result.hang_s >= CLIENT_TIMEOUT_S or result.latency_s >= CLIENT_TIMEOUT_S:
            answer.status, answer.error_type = "error", "timeout"
            return
        if result.status != 200:
            answer.status, answer.error_type = "error", _error_type(result)
            return
        try:
            doc = loads(result.body or b"")
            message = doc["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            answer.status, answer.error_type = "error", "APIResponseValidationError"
            return
        if message.get("refusal"):
            answer.status, answer.text = "refused", message["refusal"]
            return
        raw = message.get("content")
        if not isinstance(raw, str):
            answer.status, answer.error_type = "error", "APIResponseValidationError"
            return
        parsed = ParsingContext(info, raw, None, [])
        try:
            out = loads(raw)
            parsed.answer, parsed.sources = str(out["answer"]), list(out.get("sources") or [])
        except (ValueError, KeyError, TypeError):
            parsed.error = "JSONDecodeError"
        self.hooks.apply(Stage.PARSING, parsed)
        answer.faults += parsed.injected
        if parsed.answer is None:
            answer.status, answer.error_type = "error", parsed.error or "JSONDecodeError"
            return
        answer.text, answer.sources, answer.served, answer.status = parsed.answer, parsed.sources, True, "ok"
        if answer.text.startswith("I'm sorry, but I can't"):
            answer.status, answer.served = "refused", False
            return
        answer.correct = is_correct(self.kb, answer.question, answer.text)
        answer.bad = not answer.correct

    def _cached(self, answer: Answer) -> Answer:
        cached = self.controls.cache.get(answer.question.id)
        if cached is None:
            answer.status, answer.text = "unavailable", UNAVAILABLE
            return answer
        answer.status, answer.text, answer.served, answer.latency_s = "cached", cached, True, 0.01
        answer.correct = is_correct(self.kb, answer.question, cached)
        answer.bad = not answer.correct
        return answer


_BODIES: ByteBudgetLRU[tuple[str, str, str], bytes] = ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=64 * 1024)


def _request_body(model: str, system: str, user: str) -> bytes:
    """The chat request the feature sends, as the SDK would encode it; memoised by bytes, since
    the same question over the same chunks and prompt comes back all drill long."""
    key = (model, system, user)
    raw = _BODIES.get(key)
    if raw is None:
        raw = json.dumps({"model": model, "messages": [{"role": "system", "content": system},
                                                        {"role": "user", "content": user}]}).encode()
        _BODIES.put(key, raw, 2 * len(raw))
    return raw


def _error_type(result: ProviderResult) -> str:
    try:
        err = loads(result.body or b"")["error"]
        return str(err.get("code") or err.get("type") or result.status)
    except (ValueError, KeyError, TypeError):
        return f"http_{result.status}"


@functools.lru_cache(maxsize=4096)
def _date(t_s: float) -> str:
    """Drill seconds as a calendar date, the drill day being 2026-11-24 (memoised: four chunks a
    request, a few hundred distinct dates in a drill)."""
    import datetime as dt

    return (dt.date(2026, 11, 24) + dt.timedelta(seconds=t_s)).isoformat()
