"""``POST /v1/responses``: CreateResponse of the OpenAPI spec, for the item types we simulate.

Input items are told apart by ``type`` (a message may leave it out); item and tool types the
simulation does not act on (web search, MCP, computer use…) are accepted as opaque objects.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from fake_llm.wire.request_models.base import Body, Part
from fake_llm.wire.request_models.chat import FUNCTION_NAME


class InputText(Part):
    type: Literal["input_text", "output_text"]
    text: str


class OtherContent(Part):
    type: Literal["input_image", "input_file", "input_audio", "refusal", "summary_text", "reasoning_text"]


def _content_kind(value: Any) -> str:
    return "text" if isinstance(value, dict) and value.get("type") in ("input_text", "output_text") else "other"


ContentPart = Annotated[Annotated[InputText, Tag("text")] | Annotated[OtherContent, Tag("other")],
                        Discriminator(_content_kind)]


class MessageItem(Part):
    type: Literal["message"] = "message"
    role: Literal["user", "assistant", "system", "developer"]
    content: str | list[ContentPart]


class FunctionCallItem(Part):
    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str


class FunctionCallOutputItem(Part):
    type: Literal["function_call_output"]
    call_id: Annotated[str, Field(min_length=1, max_length=64)]
    output: Annotated[str, Field(max_length=10_485_760)] | list[ContentPart]


class ReasoningItem(Part):
    type: Literal["reasoning"]
    summary: list[dict[str, Any]] = []


class OtherItem(Part):
    type: str


_ITEM_TYPES = {"message": "message", "function_call": "function_call",
               "function_call_output": "function_call_output", "reasoning": "reasoning"}


def _item_kind(value: Any) -> str:
    if not isinstance(value, dict):
        return "message"
    kind = value.get("type", "message")
    return _ITEM_TYPES.get(kind, "other") if isinstance(kind, str) else "message"


InputItem = Annotated[
    Annotated[MessageItem, Tag("message")] | Annotated[FunctionCallItem, Tag("function_call")]
    | Annotated[FunctionCallOutputItem, Tag("function_call_output")] | Annotated[ReasoningItem, Tag("reasoning")]
    | Annotated[OtherItem, Tag("other")],
    Discriminator(_item_kind),
]


class FunctionTool(Part):
    type: Literal["function"]
    name: Annotated[str, Field(pattern=FUNCTION_NAME)]
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class OtherTool(Part):
    type: str


Tool = Annotated[Annotated[FunctionTool, Tag("function")] | Annotated[OtherTool, Tag("other")],
                 Discriminator(lambda v: "function" if isinstance(v, dict) and v.get("type") == "function"
                               else "other")]


class FunctionChoice(Part):
    type: Literal["function"]
    name: str


class CustomChoice(Part):
    type: Literal["custom"]
    name: str


class McpChoice(Part):
    type: Literal["mcp"]
    server_label: str
    name: str | None = None


class AllowedToolsChoice(Part):
    type: Literal["allowed_tools"]
    mode: Literal["auto", "required"]
    tools: list[dict[str, Any]]


class HostedChoice(Part):
    """A built-in tool by its type alone: the spec's closed list (the reply echoes the choice, and
    a made-up type would not be a valid reply)."""

    type: Literal["file_search", "web_search_preview", "computer", "computer_use_preview", "computer_use",
                  "web_search_preview_2025_03_11", "image_generation", "code_interpreter", "apply_patch", "shell",
                  "programmatic_tool_calling"]


_TAGGED_CHOICES = frozenset({"function", "custom", "mcp", "allowed_tools"})


def _choice_tag(v: Any) -> str:
    """The choice's own model by its ``type``; any other value (a made-up or non-string type, which
    must not be hashed) is validated as a hosted tool's and refused with the spec's list."""
    kind = v.get("type") if isinstance(v, dict) else None
    return kind if isinstance(kind, str) and kind in _TAGGED_CHOICES else "hosted"

ToolChoice = Literal["none", "auto", "required"] | Annotated[
    Annotated[FunctionChoice, Tag("function")] | Annotated[CustomChoice, Tag("custom")]
    | Annotated[McpChoice, Tag("mcp")] | Annotated[AllowedToolsChoice, Tag("allowed_tools")]
    | Annotated[HostedChoice, Tag("hosted")],
    Discriminator(_choice_tag)]


class TextFormatText(Part):
    type: Literal["text"]


class TextFormatJsonObject(Part):
    type: Literal["json_object"]


class TextFormatJsonSchema(Part):
    type: Literal["json_schema"]
    name: Annotated[str, Field(pattern=FUNCTION_NAME)]
    schema_: dict[str, Any] = Field(alias="schema")
    description: str | None = None
    strict: bool | None = None


class TextParam(Part):
    format: Annotated[TextFormatText | TextFormatJsonObject | TextFormatJsonSchema,
                      Field(discriminator="type")] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class ReasoningParam(Part):
    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None
    generate_summary: Literal["auto", "concise", "detailed"] | None = None


class ResponsesRequest(Body):
    model: str
    input: str | list[InputItem] | None = None
    background: bool | None = None
    context_management: list[dict[str, Any]] | None = None
    conversation: str | dict[str, Any] | None = None
    include: list[str] | None = None
    instructions: str | None = None
    max_output_tokens: Annotated[int, Field(ge=16)] | None = None
    max_tool_calls: int | None = None
    metadata: Annotated[dict[str, Annotated[str, Field(max_length=512)]], Field(max_length=16)] | None = None
    moderation: dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    previous_response_id: str | None = None
    prompt: dict[str, Any] | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: dict[str, Any] | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    reasoning: ReasoningParam | None = None
    safety_identifier: Annotated[str, Field(max_length=64)] | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority", "fast"] | None = None
    store: bool | None = None
    stream: bool | None = None
    stream_options: dict[str, Any] | None = None
    temperature: Annotated[float, Field(ge=0.0, le=2.0)] | None = None
    text: TextParam | None = None
    tool_choice: ToolChoice | None = None
    tools: list[Tool] | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] | None = None
    top_p: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    truncation: Literal["auto", "disabled"] | None = None
    user: str | None = None


class InputTokensRequest(Body):
    """``POST /v1/responses/input_tokens``: the fields of a Responses request that count, all optional."""

    model: str | None = None
    input: str | list[InputItem] | None = None
    conversation: str | dict[str, Any] | None = None
    instructions: str | None = None
    parallel_tool_calls: bool | None = None
    personality: str | None = None
    previous_response_id: str | None = None
    reasoning: ReasoningParam | None = None
    text: TextParam | None = None
    tool_choice: ToolChoice | None = None
    tools: list[Tool] | None = None
    truncation: Literal["auto", "disabled"] | None = None


class CompactRequest(Body):
    """``POST /v1/responses/compact``: a conversation to compact into its user messages and one item."""

    model: str
    input: str | list[InputItem] | None = None
    instructions: str | None = None
    previous_response_id: str | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: dict[str, Any] | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority", "fast"] | None = None
