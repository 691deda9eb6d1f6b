"""The provider without sockets: one request in, one ``ProviderResult`` out, stage by stage.

The HTTP server is a thin adapter over this, and the drill world calls it in-process on the drill
clock, so a fault behaves the same whether it meets an SDK over loopback or the simulated feature.
Nothing here sleeps: delays are data (``hang_s``, frame delays) that the caller turns into time.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fake_llm import sampling
from fake_llm.catalog import Catalog
from fake_llm.embeddings import embed_for, to_base64
from fake_llm.errors import InvalidRequest, UnknownModel
from fake_llm.hooks import NO_HOOKS, Exchange, Flavour, Frame, Hooks, ProviderError, RequestInfo, Stage
from fake_llm.memo import ByteBudgetLRU, end_request, new_request
from fake_llm.model import generate
from fake_llm.moderation import classify
from fake_llm.prompt_cache import MIN_CACHED_TOKENS, NO_CACHE, OPENAI_STEP, CacheUse, PromptCache
from fake_llm.replay import ReplayCache, Template, fill, template_of
from fake_llm.response_store import ResponseStore
from fake_llm.tokens import count_tokens
from fake_llm.types import Message, ModelReply, ModelRequest, Role
from fake_llm.wire import anthropic, checks, completions, limits, moderations, openai, responses, threads, tool_turns
from fake_llm.wire.common import dumps
from fake_llm.wire.valid_shapes import ValidShapes

MAX_BODY_BYTES = 4 * 1024 * 1024
SEEN_KEPT = 20_000  # distinct request digests counted (about 200 bytes each: 4 MB at most)

CHAT_ROUTE = "/v1/chat/completions"
MESSAGES_ROUTE = "/v1/messages"
EMBEDDINGS_ROUTE = "/v1/embeddings"
RESPONSES_ROUTE = "/v1/responses"
COUNT_TOKENS_ROUTE = "/v1/messages/count_tokens"
INPUT_TOKENS_ROUTE = "/v1/responses/input_tokens"
COMPACT_ROUTE = "/v1/responses/compact"
COMPLETIONS_ROUTE = "/v1/completions"  # legacy text completions
MODERATIONS_ROUTE = "/v1/moderations"
REPLAYABLE_ROUTES = frozenset({CHAT_ROUTE, MESSAGES_ROUTE})  # Responses are stored by id: not replayed
_CHAT_SHAPES = ValidShapes(checks.chat)  # a pure check of the body: shared by every provider


def _api_key(headers: Mapping[str, str]) -> str:
    return headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ").strip()


def _retry_count(headers: Mapping[str, str]) -> int:
    value = headers.get("x-stainless-retry-count", "0")
    return int(value) if value.isdigit() else 0


def _digest(raw: bytes) -> str:
    """A request's identity by its bytes, worked out once per request (three stages ask for it)."""
    return hashlib.blake2b(raw, digest_size=12).hexdigest()


def _replaced(request: ModelRequest, **changes: Any) -> ModelRequest:
    """``replace(request, **changes)`` without its generic field walk (the request is frozen and
    has no ``__post_init__``: a copy of its fields is the same request)."""
    out = object.__new__(ModelRequest)
    out.__dict__.update(request.__dict__)
    out.__dict__.update(changes)
    return out


def _frame_of(body: dict[str, Any]) -> tuple[bytes, str] | None:
    """The chat body without its question (its JSON with the last message's text taken out) and
    the question, when the last message is a user's plain, non-blank text; else None.

    Two bodies with one frame differ only in that text, and whether a body is valid does not
    depend on a non-blank text (``fake_llm.wire.valid_shapes``), nor does its parse but for
    that one message: the frame's check and parse hold for every question asked in it."""
    messages = body.get("messages")
    if type(messages) is not list or not messages:
        return None
    last = messages[-1]
    if type(last) is not dict or len(last) != 2 or last.get("role") != "user":
        return None
    question = last.get("content")
    if type(question) is not str or not question or question.isspace():
        return None
    messages[-1] = None  # the frame: the body as it is, that one message as null
    try:
        return dumps(body), question
    except (TypeError, ValueError):
        return None
    finally:
        messages[-1] = last


@dataclass
class ProviderResult:
    status: int
    headers: dict[str, str]
    body: bytes | None = None  # a whole JSON (or faulted) body
    frames: list[Frame] | None = None  # an SSE stream instead of a body
    hang_s: float = 0.0  # wait this long (drill seconds) before anything is sent
    drop_connection: bool = False  # close the connection without a response
    exchange: Exchange | None = None
    latency_s: float = 0.0  # simulated time until the last byte, before any speed factor
    created: int | None = None  # the ``created`` time written into a generated answer
    replayable: bool = False  # the answer depends on the request's bytes alone (``fake_llm.replay``)
    raw_headers: list[tuple[bytes, bytes]] | None = None  # ``headers`` already encoded, when replayed

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Provider:
    """The fake provider. ``hooks`` is where chaos plugs in; ``on_exchange`` sees every request."""

    catalog: Catalog = field(default_factory=Catalog)
    hooks: Hooks = NO_HOOKS
    seed: int = 0
    api_keys: frozenset[str] | None = None  # None: any non-empty key is accepted
    on_exchange: Callable[[Exchange, ProviderResult], None] | None = None
    clock: Callable[[], float] = time.time  # for ``created`` fields only
    responses_store: ResponseStore = field(default_factory=ResponseStore, repr=False)
    chat_store: ResponseStore = field(default_factory=ResponseStore, repr=False)  # chat with store: true
    threads: ResponseStore = field(default_factory=ResponseStore, repr=False)  # Anthropic message threads
    prompt_cache: PromptCache = field(default_factory=PromptCache, repr=False)
    replay: ReplayCache = field(default_factory=ReplayCache, repr=False)
    _seen: OrderedDict[str, int] = field(default_factory=OrderedDict, repr=False)  # FIFO: see fake_llm.memo
    _parsed: ByteBudgetLRU[bytes, tuple[str, ModelRequest, dict[str, Any]]] = field(
        default_factory=lambda: ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=64 * 1024), repr=False)
    _frames: ByteBudgetLRU[bytes, tuple[str, ModelRequest, dict[str, Any]]] = field(
        default_factory=lambda: ByteBudgetLRU(4 * 1024 * 1024, max_entry_bytes=64 * 1024, admit_on_second=True),
        repr=False)
    _counter: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- identity ------------------------------------------------------------------------

    def _next_id(self) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        return hashlib.blake2b(f"{self.seed}:{n}".encode(), digest_size=12).hexdigest()

    def _request_key(self, raw: bytes, retry: int, digest: str | None = None) -> str:
        """Which request this is: a digest of its bytes as sent (an SDK resends the same bytes)
        and how many times those bytes came before, so a repeat can meet a fault the first
        missed. The counts are kept for the last ``SEEN_KEPT`` distinct requests only."""
        canonical = digest if digest is not None else _digest(raw)
        with self._lock:
            seen = self._seen
            nth = seen.pop(canonical, 0)
            if retry == 0:
                nth += 1
            seen[canonical] = nth  # to the end: the least recently seen go first
            if len(seen) > SEEN_KEPT:
                seen.popitem(last=False)
        return f"{canonical}#{max(nth, 1)}r{retry}"

    # --- entry points ------------------------------------------------------------------

    def handle(self, flavour: Flavour, route: str, headers: Mapping[str, str], body: bytes) -> ProviderResult:
        """Answer one POST to ``route``; every failure is a result in the flavour's own envelope."""
        new_request()
        try:
            return self._handle(flavour, route, headers, body, self._next_id())
        finally:
            end_request()

    def handle_http(self, flavour: Flavour, route: str, headers: Mapping[str, str], body: bytes) -> ProviderResult:
        """``handle`` for the HTTP server, which needs only the bytes of the answer: while nothing
        can change an answer (no fault configured, no exchange observer), a request answered
        before is answered again from its template (``fake_llm.replay``), ids and time filled in."""
        new_request()
        try:
            return self._handle_http(flavour, route, headers, body)
        finally:
            end_request()

    def _handle_http(self, flavour: Flavour, route: str, headers: Mapping[str, str], body: bytes) -> ProviderResult:
        rid = self._next_id()
        if self.on_exchange is not None or not getattr(self.hooks, "idle", False):
            self.replay.clear()  # whatever a fault may have changed is not served from before it
            return self._handle(flavour, route, headers, body, rid)
        if route not in REPLAYABLE_ROUTES:
            return self._handle(flavour, route, headers, body, rid)
        digest = _digest(body)
        seen_before = digest in self._seen  # a template is cut from an answer to bytes seen before only
        template = self.replay.get(flavour, route, body) if seen_before else None
        if template is not None:
            lower = {k.lower(): v for k, v in headers.items()}
            if self._authorised(flavour, lower):
                self._request_key(body, _retry_count(lower), digest)  # counted as the full path counts it
                return self._replayed(template, flavour, rid)
        # Templated from its second sight on: cutting and storing the answer to every request
        # that never comes back cost a tenth of a distinct request (the count is _request_key's).
        result = self._handle(flavour, route, headers, body, rid, digest)
        if seen_before and result.replayable and result.status == 200 and result.created is not None:
            made = template_of(result.status, result.headers, result.body, result.frames, result.latency_s,
                               rid, result.created)
            if made is not None:
                self.replay.put(flavour, route, body, made)
        return result

    def _replayed(self, template: Template, flavour: Flavour, rid: str) -> ProviderResult:
        new_rid = rid.encode()
        created = b'"created":%d' % int(self.clock())
        old_rid = template.rid_in_headers
        headers = {k: v.replace(old_rid, rid) if has_rid else v for k, v, has_rid in template.headers}
        old_rid_bytes = old_rid.encode()
        raw = [(k, v.replace(old_rid_bytes, new_rid) if has_rid else v) for k, v, has_rid in template.raw_headers]
        body = fill(template.body, new_rid, created) if template.body is not None else None
        frames = None if template.frames is None else [
            Frame(fill(segments, new_rid, created), delay_s=delay) for segments, delay in template.frames]
        return ProviderResult(template.status, headers, body, frames=frames, latency_s=template.latency_s,
                              raw_headers=raw)

    def _handle(self, flavour: Flavour, route: str, headers: Mapping[str, str], body: bytes,
                rid: str, digest: str | None = None) -> ProviderResult:
        request_id = ("req_" if flavour is Flavour.OPENAI else "req_01") + rid
        lower = {k.lower(): v for k, v in headers.items()}
        try:
            self._authenticate(flavour, lower)
            if len(body) > MAX_BODY_BYTES:
                raise InvalidRequest(f"Request body too large: {len(body)} bytes; the limit is {MAX_BODY_BYTES}.",
                                     status=413, kind="too_large")
            parsed = limits.parse_body(body)
            if route == EMBEDDINGS_ROUTE:
                return self._embeddings(parsed, request_id)
            if route == COUNT_TOKENS_ROUTE:
                return self._count_tokens(parsed, request_id)
            if route == INPUT_TOKENS_ROUTE:
                return self._input_tokens(parsed, request_id)
            if route == COMPACT_ROUTE:
                return self._compact(parsed, request_id)
            if route == MODERATIONS_ROUTE:
                return self._moderations(parsed, request_id)
            return self._generate(flavour, route, lower, parsed, request_id, rid, raw=body, digest=digest)
        except UnknownModel as exc:
            # Anthropic names the model and nothing else; OpenAI says it may be a matter of access,
            # and names no param (its 404 has "param": null, code "model_not_found")
            message = f"model: {exc.name}" if flavour is Flavour.ANTHROPIC else str(exc)
            err = ProviderError(404, "not_found", message)
            return self._error(flavour, err, request_id)
        except InvalidRequest as exc:
            err = ProviderError(exc.status, exc.kind, str(exc), code=exc.code)
            return self._error(flavour, err, request_id, param=exc.param)

    def models(self, flavour: Flavour = Flavour.OPENAI) -> list[tuple[str, int, str]]:
        """(name, created, owned_by) of every model the flavour's ``/v1/models`` lists: its own and ours."""
        names = self.catalog.names("anthropic" if flavour is Flavour.ANTHROPIC else "openai")
        return [(n, p.created, p.owned_by) for n in names for p in (self.catalog.resolve(n),)]

    def check_key(self, flavour: Flavour, headers: Mapping[str, str]) -> ProviderResult | None:
        """None when the request carries an accepted API key, else the 401 to send."""
        rid = self._next_id()
        request_id = ("req_" if flavour is Flavour.OPENAI else "req_01") + rid
        try:
            self._authenticate(flavour, {k.lower(): v for k, v in headers.items()})
        except InvalidRequest as exc:
            return self._error(flavour, ProviderError(exc.status, exc.kind, str(exc), code=exc.code), request_id)
        return None

    def stored_response(self, response_id: str, headers: Mapping[str, str]) -> ProviderResult:
        """``GET /v1/responses/{id}``: a stored response, or the 404 the real API gives."""
        if denied := self.check_key(Flavour.OPENAI, headers):
            return denied
        body = self.responses_store.get(response_id)
        request_id = "req_" + self._next_id()
        if body is None:
            err = ProviderError(404, "invalid_request", f"Response with id '{response_id}' not found.")
            return self._error(Flavour.OPENAI, err, request_id, param="response_id")
        return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                    "content-type": "application/json"}, body)

    def delete_response(self, response_id: str, headers: Mapping[str, str]) -> ProviderResult:
        """``DELETE /v1/responses/{id}``: forget a stored response, or the 404 the real API gives."""
        if denied := self.check_key(Flavour.OPENAI, headers):
            return denied
        if not self.responses_store.delete(response_id):
            return self._missing_response(response_id)
        return self._json(Flavour.OPENAI, {"id": response_id, "object": "response.deleted", "deleted": True})

    def cancel_response(self, response_id: str, headers: Mapping[str, str]) -> ProviderResult:
        """``POST /v1/responses/{id}/cancel``: only a background response can be cancelled, and every
        response here has finished when it is returned: 400 for a stored one, 404 for an unknown one."""
        if denied := self.check_key(Flavour.OPENAI, headers):
            return denied
        if self.responses_store.get(response_id) is None:
            return self._missing_response(response_id)
        err = ProviderError(400, "invalid_request", "Cannot cancel a synchronous response.")
        return self._error(Flavour.OPENAI, err, "req_" + self._next_id())

    def input_items(self, response_id: str, headers: Mapping[str, str], query: Mapping[str, str]) -> ProviderResult:
        """``GET /v1/responses/{id}/input_items``: the items the stored response was given, newest
        first unless ``order=asc``, ``limit`` of them (1-100, 20 by default)."""
        if denied := self.check_key(Flavour.OPENAI, headers):
            return denied
        conversation = self.responses_store.conversation(response_id)
        if conversation is None:
            return self._missing_response(response_id)
        try:
            page = responses.input_items_page(conversation[:-1], response_id, query)
        except InvalidRequest as exc:
            return self._error(Flavour.OPENAI, ProviderError(400, exc.kind, str(exc)), "req_" + self._next_id(),
                               param=exc.param)
        return self._json(Flavour.OPENAI, page)

    # --- stored chat completions (store: true) ------------------------------------------------

    def chat_completions(self, method: str, completion_id: str | None, headers: Mapping[str, str],
                         query: Mapping[str, str], body: bytes = b"") -> ProviderResult:
        """``GET /v1/chat/completions`` (the stored ones), ``GET|POST|DELETE /v1/chat/completions/{id}``
        and ``GET /v1/chat/completions/{id}/messages`` (``method`` "messages")."""
        if denied := self.check_key(Flavour.OPENAI, headers):
            return denied
        request_id = "req_" + self._next_id()
        try:
            if completion_id is None:
                stored = [json.loads(self.chat_store.get(i) or b"null") for i in self.chat_store.ids()]
                return self._json(Flavour.OPENAI, openai.stored_page([s for s in stored if s], query))
            raw = self.chat_store.get(completion_id)
            if raw is None:
                err = ProviderError(404, "invalid_request", f"Chat completion with id '{completion_id}' not found.")
                return self._error(Flavour.OPENAI, err, request_id, param="completion_id")
            if method == "DELETE":
                self.chat_store.delete(completion_id)
                return self._json(Flavour.OPENAI, {"object": "chat.completion.deleted", "id": completion_id,
                                                   "deleted": True})
            if method == "POST":
                whole = json.loads(raw)
                whole["metadata"] = openai.metadata_update(limits.parse_body(body))
                self.chat_store.replace_body(completion_id, dumps(whole))
                return self._json(Flavour.OPENAI, whole)
            if method == "messages":
                messages = self.chat_store.conversation(completion_id) or ()
                return self._json(Flavour.OPENAI, openai.stored_messages_page(messages, completion_id, query))
            return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                        "content-type": "application/json"}, raw)
        except InvalidRequest as exc:
            err = ProviderError(exc.status, exc.kind, str(exc), code=exc.code)
            return self._error(Flavour.OPENAI, err, request_id, param=exc.param)

    def _missing_response(self, response_id: str) -> ProviderResult:
        err = ProviderError(404, "invalid_request", f"Response with id '{response_id}' not found.")
        return self._error(Flavour.OPENAI, err, "req_" + self._next_id(), param="response_id")

    def _json(self, flavour: Flavour, value: Any) -> ProviderResult:
        prefix = "req_" if flavour is Flavour.OPENAI else "req_01"
        return ProviderResult(200, {**self._headers(flavour, prefix + self._next_id(), {}),
                                    "content-type": "application/json"}, dumps(value))

    # --- internals -----------------------------------------------------------------------

    def _authorised(self, flavour: Flavour, headers: Mapping[str, str]) -> bool:
        key = _api_key(headers)
        return flavour is Flavour.ASSISTANT or bool(key and (self.api_keys is None or key in self.api_keys))

    def _authenticate(self, flavour: Flavour, headers: Mapping[str, str]) -> None:
        key = _api_key(headers)
        if flavour is Flavour.ASSISTANT:
            return
        if not key and flavour is Flavour.ANTHROPIC:
            raise InvalidRequest("x-api-key header is required", status=401, kind="authentication")
        if not key:
            raise InvalidRequest(
                "You didn't provide an API key. You need to provide your API key in an Authorization header using "
                "Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
                "https://platform.openai.com/account/api-keys.", status=401, kind="authentication", code="")
        if self.api_keys is not None and key not in self.api_keys:
            shown = (key[:3] + "…" + key[-4:]) if len(key) > 8 else key[:3] + "…"
            raise InvalidRequest(
                f"Incorrect API key provided: {shown}. Set it with the api_key argument or the "
                f"{'OPENAI' if flavour is Flavour.OPENAI else 'ANTHROPIC'}_API_KEY environment variable.",
                status=401, kind="authentication",
            )

    def _headers(self, flavour: Flavour, request_id: str, extra: Mapping[str, str]) -> dict[str, str]:
        if flavour is Flavour.ANTHROPIC:
            base = {"request-id": request_id, "anthropic-ratelimit-requests-limit": "4000",
                    "anthropic-ratelimit-requests-remaining": "3999",
                    "anthropic-ratelimit-tokens-limit": "400000",
                    "anthropic-ratelimit-tokens-remaining": "399000"}
        else:
            base = {"x-request-id": request_id, "openai-processing-ms": "1",
                    "x-ratelimit-limit-requests": "10000", "x-ratelimit-remaining-requests": "9999",
                    "x-ratelimit-reset-requests": "6ms", "x-ratelimit-limit-tokens": "2000000",
                    "x-ratelimit-remaining-tokens": "1999000", "x-ratelimit-reset-tokens": "30ms"}
        return {**base, **extra}

    def _error(self, flavour: Flavour, err: ProviderError, request_id: str, *, param: str | None = None,
               ex: Exchange | None = None) -> ProviderResult:
        body = (anthropic.error_body(err, request_id) if flavour is Flavour.ANTHROPIC
                else openai.error_body(err, param))
        headers = self._headers(flavour, request_id, {**(ex.extra_headers if ex else {}), **err.headers})
        result = ProviderResult(err.status, headers, body, exchange=ex, hang_s=ex.hang_s if ex else 0.0)
        if ex is not None and self.on_exchange:
            self.on_exchange(ex, result)
        return result

    def _generate(self, flavour: Flavour, route: str, headers: Mapping[str, str], body: dict[str, Any],
                  request_id: str, rid: str, *, raw: bytes, digest: str | None = None) -> ProviderResult:
        digest = digest if digest is not None else _digest(raw)
        # Bytes never seen before (a new question) have nothing memoised under them: the memos of
        # parsed requests and of replies are neither read nor fed, which cost a tenth of the request.
        seen = digest in self._seen
        legacy: completions.CompletionOptions | None = None
        if flavour is Flavour.ANTHROPIC:
            body = threads.continued(body, self.threads)
            checks.messages(body)
            model, request, options = anthropic.parse_messages(body)
        elif route == RESPONSES_ROUTE:
            checks.responses(body)
            history = self._history(body.get("previous_response_id"))
            tool_turns.responses(body, history)
            model, request, options = responses.parse(body, history)
        elif route == COMPLETIONS_ROUTE:
            checks.completions(body)
            model, request, legacy = completions.parse(body)
            options = {"stream": legacy.stream}
        else:
            model, request, options = self._chat_request(body, raw, seen)
        profile = self.catalog.resolve(model)
        if flavour is not Flavour.ANTHROPIC:
            checks.endpoint_fits(route, profile.kind, legacy=legacy is not None)
        if legacy is not None:
            checks.completion_fits(legacy.prompt_tokens, legacy.max_tokens, profile.context_window,
                                   echo_logprobs=legacy.echo and legacy.logprobs is not None,
                                   model_echo_logprobs=profile.echo_logprobs)
        else:
            kind = "anthropic" if flavour is Flavour.ANTHROPIC else "responses" if route == RESPONSES_ROUTE else "chat"
            checks.output_limit(kind, request.max_tokens, profile.version, profile.max_output_tokens)
            if kind == "anthropic":
                checks.anthropic_sampling(body, one_param=profile.one_sampling_param)
            checks.context_window(kind, [m.content for m in request.messages], profile.context_window)
        retry = _retry_count(headers)
        question = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
        info = RequestInfo(key=self._request_key(raw, retry, digest), flavour=flavour, route=route, model=model,
                           headers=headers, text=question, segment=headers.get("x-firedrill-segment"),
                           topic=headers.get("x-firedrill-topic"), model_version=profile.version,
                           model_family=profile.family)
        ex = Exchange(info=info, body=body, model_version=profile.version)
        self.hooks.apply(Stage.PROVIDER_REQUEST, ex)
        if ex.drop_connection:
            result = ProviderResult(0, {}, hang_s=ex.hang_s, drop_connection=True, exchange=ex,
                                    latency_s=ex.hang_s)
            if self.on_exchange:
                self.on_exchange(ex, result)
            return result
        if ex.error is not None:
            return self._error(flavour, ex.error, request_id, ex=ex)
        ex.reply = generate(_replaced(request, model_version=ex.model_version), self.catalog, self.seed, repeat=seen)
        planned_input = ex.reply.input_tokens
        faulted = len(ex.injected)
        self.hooks.apply(Stage.GENERATION, ex)
        reply = ex.reply
        if legacy is not None:
            others = self._legacy_choices(ex, request, legacy, faulted=len(ex.injected) > faulted)
            # the prompts as billed: a fault that inflated the input (token_bloat) inflates them alike
            prompt_tokens = round(sum(legacy.prompt_tokens) * reply.input_tokens / max(1, planned_input))
        else:
            others = self._other_choices(ex, request, options, faulted=len(ex.injected) > faulted)
        created = int(self.clock())
        cache = NO_CACHE if legacy is not None else self._cache_use(flavour, route, body, request, reply)
        headers_out = self._headers(flavour, request_id, ex.extra_headers)
        latency = ex.hang_s + reply.ttft_s + ex.extra_ttft_s + (reply.per_token_s + ex.extra_per_token_s) * (
            reply.output_tokens)
        if options["stream"]:
            if flavour is Flavour.ANTHROPIC:
                ex.frames = anthropic.stream_message(reply, message_id=f"msg_{rid}", model=reply.model_version,
                                                     extra_ttft_s=ex.extra_ttft_s,
                                                     extra_per_token_s=ex.extra_per_token_s, body=body, cache=cache)
            elif legacy is not None:
                ex.frames = completions.stream([reply, *others], legacy, completion_id=f"cmpl-{rid}", created=created,
                                               prompt_tokens=prompt_tokens, extra_ttft_s=ex.extra_ttft_s,
                                               extra_per_token_s=ex.extra_per_token_s)
            elif route == RESPONSES_ROUTE:
                ex.frames = responses.stream(reply, response_id=f"resp_{rid}", created=created, body=body,
                                             extra_ttft_s=ex.extra_ttft_s, extra_per_token_s=ex.extra_per_token_s,
                                             cached_tokens=cache.read_tokens, cache_write_tokens=cache.write_tokens)
            else:
                ex.frames = openai.stream_chat(reply, completion_id=f"chatcmpl-{rid}", created=created,
                                               include_usage=options["include_usage"], others=others,
                                               extra_ttft_s=ex.extra_ttft_s,
                                               extra_per_token_s=ex.extra_per_token_s,
                                               cached_tokens=cache.read_tokens)
            self.hooks.apply(Stage.STREAM, ex)
            result = ProviderResult(200, {**headers_out, "content-type": "text/event-stream"},
                                    frames=ex.frames, hang_s=ex.hang_s, exchange=ex, latency_s=latency,
                                    created=created)
        else:
            if flavour is Flavour.ANTHROPIC:
                ex.wire = anthropic.render_message(reply, message_id=f"msg_{rid}", model=reply.model_version,
                                                   body=body, cache=cache)
            elif legacy is not None:
                ex.wire = completions.render([reply, *others], legacy, completion_id=f"cmpl-{rid}", created=created,
                                             prompt_tokens=prompt_tokens)
            elif route == RESPONSES_ROUTE:
                ex.wire = responses.render(reply, response_id=f"resp_{rid}", created=created, body=body,
                                           cached_tokens=cache.read_tokens, cache_write_tokens=cache.write_tokens)
            else:
                ex.wire = openai.render_chat(reply, completion_id=f"chatcmpl-{rid}", created=created,
                                             others=others, cached_tokens=cache.read_tokens)
            self.hooks.apply(Stage.PROVIDER_RESPONSE, ex)
            payload = ex.raw_body if ex.raw_body is not None else dumps(ex.wire)
            result = ProviderResult(200, {**headers_out, "content-type": "application/json"}, payload,
                                    hang_s=ex.hang_s, exchange=ex, latency_s=latency, created=created)
        if route == RESPONSES_ROUTE and body.get("store") is not False:
            self._store_response(f"resp_{rid}", created, body, request, reply, cache)
        threaded = flavour is Flavour.ANTHROPIC and body.get("thread") is not None
        if threaded:
            content = anthropic.render_message(reply, message_id=f"msg_{rid}", model=reply.model_version,
                                               body=body)["content"]
            threads.hold(self.threads, f"msg_{rid}", body, content)
        stored_chat = route == CHAT_ROUTE and body.get("store") is True
        if stored_chat:
            whole = openai.render_chat(reply, completion_id=f"chatcmpl-{rid}", created=created, others=others,
                                       cached_tokens=cache.read_tokens)
            whole["metadata"] = body.get("metadata") or {}
            self.chat_store.put(f"chatcmpl-{rid}", dumps(whole), request.messages)
        # The same bytes again get the same answer only if nothing but the model made it: no
        # fault edited it, and no prompt-cache state (a repeat would read what the first wrote);
        # a stored completion (or a held thread) is stored again under its own id.
        result.replayable = (cache is NO_CACHE and ex.raw_body is None and not ex.extra_headers
                             and not stored_chat and not threaded)
        if self.on_exchange:
            self.on_exchange(ex, result)
        return result

    def _chat_request(self, body: dict[str, Any], raw: bytes, seen: bool) -> tuple[str, ModelRequest, dict[str, Any]]:
        """``checks.chat`` and ``openai.parse_chat``, memoised by the request's bytes once they
        have come twice: both are pure functions of them, and the drill world sends the same few
        hundred bodies thousands of times. Only requests with nothing mutable inside (no tools,
        schema or tool calls) are kept; a failed check is never kept.

        A new question in a known conversation (everything but the last user message's text as
        before, as every question of a drill and of a load test is) is parsed by its frame: the
        check and the parse of the rest are the frame's, and only the question is new."""
        hit = self._parsed.get(raw) if seen else None
        if hit is not None:
            return hit[0], hit[1], dict(hit[2])
        frame = _frame_of(body)
        known = self._frames.get(frame[0]) if frame is not None else None
        if known is not None and frame is not None:
            model, request, options = known
            asked = (*request.messages[:-1], Message(Role.USER, frame[1]))  # the frame's, with this question
            return model, _replaced(request, messages=asked), dict(options)
        _CHAT_SHAPES.check(body)
        model, request, options = openai.parse_chat(body)
        if not request.tools and request.json_schema is None and not any(m.tool_calls for m in request.messages):
            if seen:
                self._parsed.put(raw, (model, request, dict(options)), 3 * len(raw))
            if frame is not None:
                self._frames.put(frame[0], (model, request, dict(options)), 3 * len(frame[0]))
        return model, request, options

    def _other_choices(self, ex: Exchange, request: ModelRequest, options: dict[str, Any], *,
                       faulted: bool) -> list[ModelReply]:
        """Choices 1, 2, … of a chat request with ``n`` > 1, each sampled on its own
        (``fake_llm.sampling``); at temperature 0 they are copies of choice 0, as greedy decoding
        gives. When a generation fault acted on choice 0 it acts on every choice."""
        n = options.get("n", 1)
        if n <= 1 or ex.reply is None:
            return []
        temperature = options.get("temperature")
        if not sampling.samples(temperature if isinstance(temperature, int | float) else None):
            return [replace(ex.reply, tool_calls=list(ex.reply.tool_calls)) for _ in range(n - 1)]
        out = []
        for i in range(1, n):
            choice = generate(replace(request, model_version=ex.model_version, choice=i), self.catalog, self.seed)
            if faulted:
                sample = replace(ex, reply=choice, injected=[])
                self.hooks.apply(Stage.GENERATION, sample)
                choice = sample.reply or choice
            out.append(choice)
        return out

    def _legacy_choices(self, ex: Exchange, request: ModelRequest, legacy: completions.CompletionOptions, *,
                        faulted: bool) -> list[ModelReply]:
        """Every candidate of a legacy completion after ``ex.reply``: ``best_of`` (at least ``n``) per
        prompt, prompt by prompt, each further prompt answered as its own request (a generation
        fault that acted on the first acts on each)."""
        choices = {"n": legacy.best_of, "temperature": legacy.temperature}
        out = self._other_choices(ex, request, choices, faulted=faulted)
        for prompt in legacy.prompts[1:]:
            asked = completions.for_prompt(_replaced(request, model_version=ex.model_version), prompt)
            sample = replace(ex, reply=generate(asked, self.catalog, self.seed), injected=[])
            if faulted:
                self.hooks.apply(Stage.GENERATION, sample)
            if sample.reply is not None:
                out += [sample.reply, *self._other_choices(sample, asked, choices, faulted=faulted)]
        return out

    # --- Responses API state and prompt caching ----------------------------------------

    def _history(self, previous_id: Any) -> tuple[Message, ...]:
        if previous_id is None:
            return ()
        history = self.responses_store.conversation(previous_id)
        if history is None:
            raise InvalidRequest(f"Previous response with id '{previous_id}' not found.",
                                 param="previous_response_id", code="previous_response_not_found")
        return history

    def _store_response(self, response_id: str, created: int, body: dict[str, Any], request: ModelRequest,
                        reply: ModelReply, cache: CacheUse) -> None:
        """Keep what ``GET /v1/responses/{id}`` returns and what ``previous_response_id`` continues
        from: the conversation without this request's instructions (they do not carry over)."""
        final = responses.render(reply, response_id=response_id, created=created, body=body,
                                 cached_tokens=cache.read_tokens, cache_write_tokens=cache.write_tokens)
        said = Message(Role.ASSISTANT, reply.text if not reply.tool_calls else "", tool_calls=tuple(reply.tool_calls))
        turns = request.messages[1:] if body.get("instructions") else request.messages
        self.responses_store.put(response_id, dumps(final), (*turns, said))

    def _cache_use(self, flavour: Flavour, route: str, body: dict[str, Any], request: ModelRequest,
                   reply: ModelReply) -> CacheUse:
        """OpenAI: everything before the last message is a cacheable prefix. Anthropic: only what
        comes before a ``cache_control`` breakpoint the caller marked."""
        if flavour is Flavour.ANTHROPIC:
            prefix = anthropic.cached_prefix(body)
            if prefix is None:
                return NO_CACHE
            return self.prompt_cache.use(reply.model_version, prefix, count_tokens(prefix))
        if reply.input_tokens < MIN_CACHED_TOKENS:
            return NO_CACHE
        head = request.messages[:-1]
        prefix = "\x00".join(f"{m.role}:{m.content}" for m in head) + repr(request.tools)
        last = request.messages[-1].content if request.messages else ""
        return self.prompt_cache.use(reply.model_version, prefix, reply.input_tokens - count_tokens(last) - 4,
                                     step=OPENAI_STEP)

    def _count_tokens(self, body: dict[str, Any], request_id: str) -> ProviderResult:
        """Anthropic's ``count_tokens``: the input tokens the same request would be billed for."""
        checks.count_tokens(body)
        model, request, _ = anthropic.parse_messages({**body, "max_tokens": 1})
        profile = self.catalog.resolve(model)
        reply = generate(replace(request, model_version=profile.version), self.catalog, self.seed)
        return ProviderResult(200, {**self._headers(Flavour.ANTHROPIC, request_id, {}),
                                    "content-type": "application/json"},
                              dumps({"input_tokens": reply.input_tokens}))

    def _input_tokens(self, body: dict[str, Any], request_id: str) -> ProviderResult:
        """``POST /v1/responses/input_tokens``: the input tokens the same Responses request would be
        billed for (every field optional; a model, if named, must exist)."""
        checks.input_tokens(body)
        model = body.get("model")
        version = self.catalog.resolve(model).version if isinstance(model, str) else "gpt-4o"
        history = self._history(body.get("previous_response_id"))
        if body.get("input") is None and not body.get("instructions") and not history:
            return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                        "content-type": "application/json"},
                                  dumps({"object": "response.input_tokens", "input_tokens": 0}))
        _, request, _ = responses.parse({**body, "model": version, "input": body.get("input") or ""}, history)
        reply = generate(_replaced(request, model_version=version), self.catalog, self.seed)
        return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                    "content-type": "application/json"},
                              dumps({"object": "response.input_tokens", "input_tokens": reply.input_tokens}))

    def _compact(self, body: dict[str, Any], request_id: str) -> ProviderResult:
        """``POST /v1/responses/compact``: the conversation (``previous_response_id`` and ``input``) as
        its user messages followed by one compaction item holding the rest, with the pass's usage."""
        checks.compact(body)
        profile = self.catalog.resolve(body["model"])
        history = self._history(body.get("previous_response_id"))
        conversation = (*history, *responses.input_messages(body.get("input")))
        rid = self._next_id()
        users = [{"id": f"msg_{rid}{i:04d}", "type": "message", "role": "user", "status": "completed",
                  "content": [{"type": "input_text", "text": m.content}]}
                 for i, m in enumerate(conversation) if m.role is Role.USER]
        item = responses.compaction_item(conversation, f"cmp_{rid}")
        tokens = sum(count_tokens(m.content) + 4 for m in conversation) + count_tokens(body.get("instructions") or "")
        out = max(1, len(item["encrypted_content"]) // 4)
        usage = {"input_tokens": tokens, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                 "output_tokens": out, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": tokens + out}
        payload = {"id": f"resp_{rid}", "object": "response.compaction", "created_at": int(self.clock()),
                   "output": [*users, item], "usage": usage, "model": profile.version}
        return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                    "content-type": "application/json"}, dumps(payload))

    def _moderations(self, body: dict[str, Any], request_id: str) -> ProviderResult:
        """``POST /v1/moderations``: one result per input, scored by ``fake_llm.moderation``."""
        checks.moderations(body)
        model = body.get("model") or moderations.DEFAULT_MODEL
        profile = self.catalog.resolve(model)
        if profile.kind != "moderation":
            raise UnknownModel(model)
        items = moderations.inputs(body)
        if not profile.omni and any(urls for _, urls in items):
            raise InvalidRequest(f"The model `{model}` does not support image inputs; use omni-moderation-latest.",
                                 param="input", code="invalid_value")
        verdicts = [classify(texts, urls, omni=profile.omni) for texts, urls in items]
        payload = moderations.render(verdicts, moderation_id=f"modr-{self._next_id()}", model=profile.version,
                                     omni=profile.omni)
        return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                    "content-type": "application/json"}, dumps(payload))

    def _embeddings(self, body: dict[str, Any], request_id: str) -> ProviderResult:
        checks.embeddings(body)
        model, texts, fmt, dims = openai.parse_embeddings(body)
        profile = self.catalog.resolve(model)
        if not profile.embedding:
            raise InvalidRequest(f"The model `{model}` does not support embeddings.", param="model")
        if dims is not None and not profile.dimensions_param:
            raise InvalidRequest(f"This model does not support specifying dimensions: `{model}`.", param="dimensions")
        if dims is not None and dims > profile.embedding_dim:
            raise InvalidRequest(f"Invalid 'dimensions': integer above maximum value. Expected a value <= "
                                 f"{profile.embedding_dim}, but got {dims} instead.", param="dimensions",
                                 code="integer_above_max_value")
        # One vector serialised at a time: a single dump of thousands of long vectors would hold
        # the interpreter (and so the event loop, even from a worker thread) for a long stretch.
        pieces = [b'{"object":"list","data":[']
        for i, text in enumerate(texts):
            vec = embed_for(text, profile.embedding_dim, dims)
            if i:
                pieces.append(b",")
            pieces.append(dumps({"object": "embedding", "index": i,
                                 "embedding": to_base64(vec) if fmt == "base64" else vec}))
        tokens = sum(count_tokens(t) for t in texts)
        tail = dumps({"model": profile.version, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})
        pieces += [b"],", tail[1:]]
        payload = b"".join(pieces)  # one copy: concatenating 26 MB three times held the GIL for 40 ms
        return ProviderResult(200, {**self._headers(Flavour.OPENAI, request_id, {}),
                                    "content-type": "application/json"}, payload)

