"""Plain data shared by the simulated model, the HTTP provider and the drill world.

The model is a pure function ``ModelRequest -> ModelReply``; the provider turns a wire request
into a ``ModelRequest`` and a ``ModelReply`` back into the wire format of the flavour that asked.
Keeping these types flavour-neutral is what lets one fault act on OpenAI and Anthropic traffic alike.

How each wire maps an agent loop onto ``Message`` (the contract the model core relies on):

- a tool call the assistant made: ``Message(ASSISTANT, text_or_"", tool_calls=(ToolCall(id, name, args),))``
  (chat ``assistant.tool_calls``; Responses ``function_call`` items; Anthropic ``tool_use`` blocks);
- a tool's result: ``Message(TOOL, output_text, tool_call_id=id, name=tool_name_if_known)``, one per result
  (chat ``role: tool``; Responses ``function_call_output``; Anthropic ``tool_result`` blocks, which come
  before any text of the same user turn);
- everything else: ``Message(role, text)`` with the text parts joined by newlines.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """A frozen dataclass whose ``__init__`` sets every field in one step.

    The generated one calls ``object.__setattr__`` once per field (frozen forbids plain
    assignment), three times the cost of a plain dataclass: a distinct request builds a dozen
    of these (its messages, the request, the prompt read, candidate sentences). The same
    signature and defaults; only fields with plain defaults (no factories, no ``init=False``).
    """
    params, values, defaults = [], [], {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} needs the generated __init__")
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        values.append(f"{f.name!r}: {f.name}")
    source = (f"def __init__(self, {', '.join(params)}):\n"
              f"    _set(self, '__dict__', {{{', '.join(values)}}})\n")
    namespace: dict[str, Any] = {"_set": object.__setattr__, **defaults}
    exec(source, namespace)  # noqa: S102 - built from the class's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__  # type: ignore[misc]
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class FinishReason(StrEnum):
    """Why generation stopped, flavour-neutral; the wire layer maps it per provider."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    REFUSAL = "refusal"
    CONTENT_FILTER = "content_filter"


class AnswerSource(StrEnum):
    """Where the model's answer came from: the truth a judge cannot see."""

    CONTEXT = "context"  # a sentence of the supplied context
    UNKNOWN = "unknown"  # said it does not know
    FABRICATED = "fabricated"  # invented a plausible answer
    REFUSED = "refused"
    TOOL = "tool"  # answered with a tool call
    STRUCTURED = "structured"  # filled a JSON schema
    GENERAL = "general"  # a fixed-form reply any model gives: a greeting, an echo, arithmetic


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]

    def __hash__(self) -> int:  # arguments is a dict: hash its canonical JSON, so messages stay hashable
        return hash((self.id, self.name, json.dumps(self.arguments, sort_keys=True, default=str)))


@quick_init
@dataclass(frozen=True)
class Message:
    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()  # an assistant turn that called tools
    tool_call_id: str | None = None  # a TOOL message: the call it answers
    name: str | None = None  # a TOOL message: the tool's name, when the wire says it


@dataclass(frozen=True)
class Tool:
    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)  # JSON schema


@dataclass(frozen=True)
class TokenLogprob:
    """One output token with its log probability and the most likely alternatives (token, logprob)."""

    token: str
    logprob: float
    top: tuple[tuple[str, float], ...] = ()


@quick_init
@dataclass(frozen=True)
class ModelRequest:
    model_version: str  # a dated version from the catalogue, aliases already resolved
    messages: tuple[Message, ...]
    max_tokens: int | None = None
    seed: int | None = None
    tools: tuple[Tool, ...] = ()
    tool_choice: str | None = None  # "auto" | "none" | "required" | a tool name
    json_schema: dict[str, Any] | None = None  # response_format json_schema
    json_mode: bool = False  # response_format json_object
    stop: tuple[str, ...] = ()
    parallel_tool_calls: bool = True  # False: at most one tool call per turn
    logprobs: int | None = None  # None: not asked; N >= 0: return logprobs with N top alternatives
    choice: int = 0  # which sampled choice this is (chat's n): 1, 2, … are sampled again (fake_llm.sampling)


@dataclass
class ModelReply:
    """What the model produced, before any wire formatting. Faults of the GENERATION stage edit it."""

    text: str
    finish_reason: FinishReason
    source: AnswerSource
    input_tokens: int
    output_tokens: int
    ttft_s: float  # simulated time to first token, before any speed factor
    per_token_s: float  # simulated time per output token
    model_version: str
    system_fingerprint: str
    refusal: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)  # ids of context passages the answer came from
    stop_sequence: str | None = None  # the stop sequence that ended the text, if one did
    reasoning_tokens: int = 0  # hidden reasoning of reasoning models, counted in output_tokens
    logprobs: list[TokenLogprob] | None = None  # set when the request asked for logprobs

    @property
    def latency_s(self) -> float:
        return self.ttft_s + self.per_token_s * self.output_tokens
