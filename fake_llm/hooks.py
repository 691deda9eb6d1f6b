"""The stages a fault can hook, and the contexts each stage hands to it.

``fake_llm`` knows nothing of faults: it calls ``hooks.apply(stage, ctx)`` at each stage and honours
what the context says afterwards. ``chaos`` supplies the object behind ``Hooks``. A fault hooks
exactly one stage and edits only the fields that stage owns (listed per field below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from fake_llm.types import ModelReply


class Stage(StrEnum):
    PROVIDER_REQUEST = "provider_request"  # before the model runs: reject, delay, hang, re-point
    GENERATION = "generation"  # the model's reply as data: refuse, falsify, bloat
    PROVIDER_RESPONSE = "provider_response"  # the wire body of a non-streamed reply
    STREAM = "stream"  # the SSE frames of a streamed reply
    RETRIEVAL = "retrieval"  # the chunks the AI feature retrieved
    PROMPT = "prompt"  # the prompt the AI feature assembled
    PARSING = "parsing"  # the AI feature's parse of the model output
    TRAFFIC = "traffic"  # who asks what, and how often


class Flavour(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    ASSISTANT = "assistant"  # the drill world's own AI feature


@dataclass
class RequestInfo:
    """What targeting looks at. Built once per request by whoever received it."""

    key: str  # deterministic identity of this request, for fraction sampling
    flavour: Flavour
    route: str
    model: str  # the model name or alias the caller asked for
    # the dated snapshot that will serve it and its family (a ``model_change`` re-points the snapshot
    # before any other fault looks), so a fault can sit on one snapshot or on every version of a model
    model_version: str = ""
    model_family: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    text: str = ""  # the user's message
    segment: str | None = None
    topic: str | None = None


@dataclass
class ProviderError:
    """An error the provider returns instead of a reply; rendered in the caller's own envelope.

    ``kind`` picks type/code: rate_limit, tokens_rate_limit, quota, overloaded, server_error,
    bad_gateway, unavailable, timeout, context_length, invalid_request.
    """

    status: int
    kind: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    code: str | None = None  # OpenAI's error code when it is not the default of ``kind``


@dataclass
class Frame:
    """One SSE event on the wire, sent after ``delay_s`` (drill seconds, before speed scaling)."""

    data: bytes
    delay_s: float = 0.0
    drop_connection: bool = False  # abort the connection instead of sending ``data``


@dataclass
class Exchange:
    """One provider request on its way through the stages."""

    info: RequestInfo
    body: dict[str, Any]  # the parsed request, read-only
    model_version: str  # PROVIDER_REQUEST: resolved dated version; model_change re-points it
    error: ProviderError | None = None  # PROVIDER_REQUEST: set to short-circuit
    hang_s: float = 0.0  # PROVIDER_REQUEST: wait before anything is sent (timeout)
    drop_connection: bool = False  # PROVIDER_REQUEST: close without a response
    extra_ttft_s: float = 0.0  # PROVIDER_REQUEST: latency
    extra_per_token_s: float = 0.0  # PROVIDER_REQUEST: latency
    extra_headers: dict[str, str] = field(default_factory=dict)  # any stage before sending
    reply: ModelReply | None = None  # GENERATION: the model's reply, editable
    wire: dict[str, Any] | None = None  # PROVIDER_RESPONSE: JSON body about to be sent
    raw_body: bytes | None = None  # PROVIDER_RESPONSE: if set, sent verbatim instead of wire
    frames: list[Frame] | None = None  # STREAM: SSE frames about to be sent
    injected: list[str] = field(default_factory=list)  # ids of faults that acted, for telemetry


class Hooks(Protocol):
    def apply(self, stage: Stage, ctx: Any) -> None:
        """Let every active fault of ``stage`` whose targeting matches ``ctx.info`` edit ``ctx``."""


class NoHooks:
    """The provider without chaos."""

    idle = True  # nothing can change an answer: the provider may replay answers it gave before

    def apply(self, stage: Stage, ctx: Any) -> None:
        return None


NO_HOOKS: Hooks = NoHooks()
