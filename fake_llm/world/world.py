"""One drill's world: knowledge base, index, prompts, models, the feature, telemetry, change log.

Built from a seed; time comes from ``now_s`` (the drill clock); faults come in through ``hooks``.
Control methods are what on-call can do; each returns a short message and leaves a change-log
entry where production would.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from fake_llm.catalog import CHAT_KINDS, Catalog
from fake_llm.errors import FakeLLMError, UnknownModel
from fake_llm.hooks import Flavour, Hooks, RequestInfo, Stage
from fake_llm.provider import Provider
from fake_llm.world.changelog import Change, ChangeLog
from fake_llm.world.controls import Controls
from fake_llm.world.feature import Answer, Feature
from fake_llm.world.index import Index
from fake_llm.world.knowledge import GoldenQuestion, KnowledgeBase
from fake_llm.world.prompts import PromptRegistry
from fake_llm.world.stages import TrafficContext
from fake_llm.world.status_page import StatusPage, StatusSettings
from fake_llm.world.telemetry import Metrics, Telemetry, Thresholds
from fake_llm.world.vocabulary import JUDGE_NOISE, JUDGE_SAMPLE_RATE, FallbackMode

EMBEDDING_ALIAS = "fd-embed"  # the alias the feature embeds queries and chunks with


@dataclass(frozen=True)
class WorldConfig:
    kb_chunks: int = 300
    segments: tuple[tuple[str, float], ...] = (("free", 0.6), ("pro", 0.3), ("enterprise", 0.1))
    judge_sample_rate: float = JUDGE_SAMPLE_RATE
    judge_noise: float = JUDGE_NOISE
    metrics_window_s: float = 60.0
    thresholds: Thresholds = field(default_factory=Thresholds)
    primary_model: str = "fd-large"
    backup_model: str = "fd-small"
    users: int = 400
    # (topic, weight) pairs for the question mix; empty: every golden question equally likely
    topic_weights: tuple[tuple[str, float], ...] = ()
    status_page: StatusSettings = field(default_factory=StatusSettings)


class World:
    def __init__(self, config: WorldConfig | None = None, *, seed: int = 0, now_s: Callable[[], float] = lambda: 0.0,
                 hooks: Hooks | None = None) -> None:
        from fake_llm.hooks import NO_HOOKS

        self.config = config or WorldConfig()
        self.seed = seed
        self.now_s = now_s
        self.hooks = hooks or NO_HOOKS
        self.kb = KnowledgeBase(seed=seed, target_chunks=self.config.kb_chunks)
        self.catalog = Catalog()
        self.provider = Provider(catalog=self.catalog, hooks=self.hooks, seed=seed, clock=lambda: 1795996800.0)
        self.prompts = PromptRegistry(self.kb.company)
        index = Index.build(self.kb.chunks(), built_at_s=-3600.0 * 6,
                            embedding_model=self.catalog.resolve(EMBEDDING_ALIAS).version)
        self.controls = Controls(index=index, model=self.config.primary_model, backup_model=self.config.backup_model)
        self.feature = Feature(kb=self.kb, prompts=self.prompts, provider=self.provider, hooks=self.hooks,
                               controls=self.controls)
        self.telemetry = Telemetry(window_s=self.config.metrics_window_s, judge_rate=self.config.judge_sample_rate,
                                   judge_noise=self.config.judge_noise, seed=seed, thresholds=self.config.thresholds)
        self.changes = ChangeLog()
        self.status_page = StatusPage(seed=seed, settings=self.config.status_page)
        self.extra_questions: dict[str, list[GoldenQuestion]] = {}  # topics the knowledge base lacks
        self._requests = 0
        self._asked = 0
        self._probes = 0
        self._by_text = {q.text.lower(): q for q in self.kb.golden}
        self._by_topic: dict[str, list[GoldenQuestion]] = {}
        for q in self.kb.golden:
            self._by_topic.setdefault(q.topic, []).append(q)
        unknown = [t for t, _ in self.config.topic_weights if t not in self._by_topic]
        if unknown:
            raise FakeLLMError(f"topic mix names unknown topics {unknown}; known: {', '.join(self._by_topic)}")
        self.controls.cache = {q.id: self.kb.facts[q.fact_id].sentence for q in self.kb.golden if q.fact_id}

    # --- traffic -------------------------------------------------------------------------------

    def next_request(self, rng: random.Random) -> tuple[str, str, GoldenQuestion]:
        """A simulated user, their segment and their question; traffic faults may change them."""
        names, weights = zip(*self.config.segments, strict=True)
        segment = rng.choices(names, weights)[0]
        user = f"u{rng.randrange(self.config.users):04d}"
        question = self._draw_question(rng)
        self._requests += 1
        info = RequestInfo(key=f"traffic-{self._requests}", flavour=Flavour.ASSISTANT, route="/traffic",
                           model=self.controls.model, text=question.text, segment=segment, topic=question.topic)
        ctx = TrafficContext(info, user, segment, question, world=self)
        self.hooks.apply(Stage.TRAFFIC, ctx)
        return ctx.user, ctx.segment, ctx.question

    def _draw_question(self, rng: random.Random) -> GoldenQuestion:
        if not self.config.topic_weights:
            return rng.choice(self.kb.golden)
        topics, weights = zip(*self.config.topic_weights, strict=True)
        return rng.choice(self._by_topic[rng.choices(topics, weights)[0]])

    def ask(self, *, user: str, segment: str, question: GoldenQuestion, trace_id: str | None = None) -> Answer:
        self._asked += 1  # not len(traces): that stops growing at MAX_TRACES, and ids would repeat
        trace_id = trace_id or f"tr-{self.seed:x}-{self._asked:06d}"
        answer = self.feature.ask(trace_id=trace_id, t_s=self.now_s(), user=user, segment=segment, question=question)
        self.telemetry.record(answer)
        return answer

    def replay(self, trace_id: str, *, prompt_version: str | None = None, model: str | None = None) -> Answer:
        """Re-run one traced request now, with other settings, straight to the model (past any fallback or
        kill switch, which contain users, not on-call); not counted in metrics."""
        original = self.trace(trace_id)
        if prompt_version and prompt_version not in self.prompts.versions:
            raise FakeLLMError(f"no prompt version {prompt_version!r}; known: {', '.join(self.prompts.versions)}")
        if model:
            self._check_model(model)
        return self.feature.ask(trace_id=f"{trace_id}-replay", t_s=self.now_s(), user=original.user,
                                segment=original.segment, question=original.question,
                                prompt_version=prompt_version, model=model, direct=True)

    def question_for(self, text: str) -> GoldenQuestion:
        """The golden question with this text (any phrasing, case-insensitive), else an ad-hoc one.

        Ad-hoc questions have no known answer: they are served but never counted correct, unless
        the knowledge base truly lacks the answer and the model says it does not know.
        """
        text = text.strip()
        known = self._by_text.get(text.lower())
        if known is not None:
            return known
        for extra in self.extra_questions.values():  # topics a fault brought that the KB lacks
            for q in extra:
                if q.text.lower() == text.lower():
                    return q
        return GoldenQuestion(f"adhoc/{zlib.crc32(text.encode()):08x}", None, "adhoc", text)

    def probe(self, text: str, *, user: str = "eval", segment: str = "free", expect: str | None = None) -> Answer:
        """Ask one question in the world's current state without counting it in telemetry.

        For eval cases: ask in the incident's state (it must fail), apply the mitigation through
        the control methods, ask again (it must pass). With ``expect`` the answer's ``correct`` is
        whether its text contains ``expect`` (case-insensitive) rather than the golden key.
        """
        self._probes += 1
        answer = self.feature.ask(trace_id=f"probe-{self._probes}", t_s=self.now_s(), user=user,
                                  segment=segment, question=self.question_for(text))
        if expect is not None:
            answer.correct = answer.served and expect.lower() in answer.text.lower()
            answer.bad = answer.served and not answer.correct
        return answer

    def trace(self, trace_id: str) -> Answer:
        try:
            return self.telemetry.traces[trace_id]
        except KeyError:
            raise FakeLLMError(f"no trace {trace_id!r} (only the latest traces are kept)") from None

    def metrics(self, *, record: bool = True) -> Metrics:
        """The metrics now; a drill's ticks record them (and evaluate alerts), views only peek."""
        return self.telemetry.snapshot(self.now_s(), self.controls.index.built_at_s, record=record)

    # --- controls --------------------------------------------------------------------------------

    def add_change(self, kind: str, summary: str, *, author: str, change_id: str | None = None) -> Change:
        return self.changes.add(Change(change_id or self.changes.next_id(), self.now_s(), kind, summary, author))

    def set_feature(self, on: bool, *, by: str = "on-call") -> str:
        self.controls.feature_on = on
        self.add_change("config", f"assistant feature flag {'enabled' if on else 'disabled'}", author=by)
        return f"feature {'on' if on else 'off'}"

    def set_fallback(self, mode: FallbackMode | str, *, by: str = "on-call") -> str:
        try:
            mode = FallbackMode(mode)
        except ValueError:
            choices = ", ".join(m.value for m in FallbackMode)
            raise FakeLLMError(f"unknown fallback mode {mode!r}; choose one of {choices}") from None
        self.controls.fallback = mode
        self.add_change("config", f"fallback mode set to {mode}", author=by)
        return f"fallback {mode}"

    def rollback_prompt(self, to: str | None = None, *, by: str = "on-call") -> str:
        entry = self.prompts.rollback(to=to, author=by, at_s=self.now_s())
        self.add_change("prompt_deploy", f"prompt rolled back to {entry.version} (was {entry.rollback_of})", author=by)
        return f"prompt now {entry.version}"

    def deploy_prompt(self, text: str, *, message: str, by: str, change_id: str | None = None) -> str:
        version = self.prompts.deploy(text, message=message, author=by, at_s=self.now_s())
        self.add_change("prompt_deploy", f"prompt {version.version} deployed: {message}", author=by,
                        change_id=change_id)
        return version.version

    def use_model(self, name: str, *, by: str = "on-call") -> str:
        self._check_model(name)
        self.controls.model = name
        self.add_change("config", f"primary model set to {name}", author=by)
        return f"model {name}"

    def embedding_model(self) -> str:
        """The snapshot the embedding alias serves now: what a rebuild embeds the chunks with."""
        return self.catalog.resolve(EMBEDDING_ALIAS).version

    def rebuild_index(self, *, by: str = "on-call") -> str:
        self.controls.index = Index.build(self.kb.chunks(), built_at_s=self.now_s(),
                                          embedding_model=self.embedding_model())
        self.add_change("index_refresh", f"index rebuilt ({len(self.controls.index.chunks)} chunks)", author=by)
        return "index rebuilt"

    def set_topic(self, topic: str, enabled: bool, *, by: str = "on-call") -> str:
        known = {q.topic for q in self.kb.golden} | set(self.extra_questions)
        if topic not in known:
            raise FakeLLMError(f"unknown topic {topic!r}; known: {', '.join(sorted(known))}")
        (self.controls.disabled_topics.discard if enabled else self.controls.disabled_topics.add)(topic)
        self.add_change("config", f"topic {topic} {'enabled' if enabled else 'disabled'}", author=by)
        return f"topic {topic} {'enabled' if enabled else 'disabled'}"

    def set_disclaimer(self, on: bool, *, by: str = "on-call") -> str:
        self.controls.disclaimer = on
        self.add_change("config", f"answer disclaimer {'on' if on else 'off'}", author=by)
        return f"disclaimer {'on' if on else 'off'}"

    def families(self, models: list[str]) -> list[str]:
        """The model families behind names, aliases or dated versions (unknown names as they are)."""
        out = []
        for name in models:
            try:
                out.append(self.catalog.resolve(name).family)
            except UnknownModel:
                out.append(name)
        return sorted(set(out))

    def _check_model(self, name: str) -> None:
        try:
            profile = self.catalog.resolve(name)
        except UnknownModel:
            raise FakeLLMError(f"unknown model {name!r}; known: {', '.join(self.chat_models())}") from None
        if profile.kind not in CHAT_KINDS:
            raise FakeLLMError(f"{name!r} is a {profile.kind} model: the feature answers through chat completions, "
                               f"so route it to a chat model (for example {', '.join(self.chat_models()[:3])})")

    def chat_models(self) -> list[str]:
        """The models the feature can be routed to: every OpenAI name whose kind chat completions serves
        (the feature calls the OpenAI chat route, where a completion or moderation model is a 404)."""
        return [n for n in self.catalog.names("openai") if self.catalog.resolve(n).kind in CHAT_KINDS]
