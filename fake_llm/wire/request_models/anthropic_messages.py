"""``POST /v1/messages`` and ``/v1/messages/count_tokens``: the Messages API's request bodies.

Fields as anthropic-sdk-python's ``MessageCreateParams``; errors keep pydantic's wording, which is
Anthropic's own (``max_tokens: Input should be greater than or equal to 1``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from fake_llm.wire.request_models.base import Body, Part


class TextBlock(Part):
    type: Literal["text"]
    text: str


class ToolUseBlock(Part):
    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]


class ToolResultBlock(Part):
    type: Literal["tool_result"]
    tool_use_id: str
    content: str | list[dict[str, Any]] | None = None
    is_error: bool | None = None


class ThinkingBlock(Part):
    type: Literal["thinking"]
    thinking: str
    signature: str


class OtherBlock(Part):
    type: str


_BLOCKS = {"text", "tool_use", "tool_result", "thinking"}

Block = Annotated[
    Annotated[TextBlock, Tag("text")] | Annotated[ToolUseBlock, Tag("tool_use")]
    | Annotated[ToolResultBlock, Tag("tool_result")] | Annotated[ThinkingBlock, Tag("thinking")]
    | Annotated[OtherBlock, Tag("other")],
    Discriminator(lambda v: v["type"] if isinstance(v, dict) and isinstance(v.get("type"), str)
                  and v["type"] in _BLOCKS else "other"),
]


class MessageParam(Part):
    role: Literal["user", "assistant"]
    content: str | list[Block]


class CustomTool(Part):
    name: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[a-zA-Z0-9_-]{1,128}$")]
    input_schema: dict[str, Any]
    type: Literal["custom"] | None = None
    description: str | None = None


class ServerTool(Part):
    name: str
    type: str


Tool = Annotated[
    Annotated[CustomTool, Tag("custom")] | Annotated[ServerTool, Tag("server")],
    Discriminator(lambda v: "server" if isinstance(v, dict) and v.get("type") not in (None, "custom") else "custom"),
]


class ToolChoiceAuto(Part):
    type: Literal["auto"]
    disable_parallel_tool_use: bool | None = None


class ToolChoiceAny(Part):
    type: Literal["any"]
    disable_parallel_tool_use: bool | None = None


class ToolChoiceTool(Part):
    type: Literal["tool"]
    name: str
    disable_parallel_tool_use: bool | None = None


class ToolChoiceNone(Part):
    type: Literal["none"]


ToolChoice = Annotated[ToolChoiceAuto | ToolChoiceAny | ToolChoiceTool | ToolChoiceNone, Field(discriminator="type")]


class ThinkingEnabled(Part):
    type: Literal["enabled"]
    budget_tokens: Annotated[int, Field(ge=1024)]


class ThinkingDisabled(Part):
    type: Literal["disabled"]


class ThinkingAdaptive(Part):
    type: Literal["adaptive"]


Thinking = Annotated[ThinkingEnabled | ThinkingDisabled | ThinkingAdaptive, Field(discriminator="type")]


class JsonOutputFormat(Part):
    type: Literal["json_schema"]
    schema_: dict[str, Any] = Field(alias="schema")


class OutputConfig(Part):
    effort: Literal["low", "medium", "high", "max", "xhigh"] | None = None
    format: JsonOutputFormat | None = None


class ThreadCreate(Part):
    type: Literal["create"]


class ThreadContinue(Part):
    type: Literal["continue"]
    previous_message_id: str


Thread = Annotated[ThreadCreate | ThreadContinue, Field(discriminator="type")]


class Metadata(Part):
    user_id: Annotated[str, Field(max_length=256)] | None = None


class _Common(Body):
    model: Annotated[str, Field(min_length=1)]
    messages: list[MessageParam]
    system: str | list[TextBlock] | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    thinking: Thinking | None = None
    output_config: OutputConfig | None = None
    output_format: JsonOutputFormat | None = None
    cache_control: dict[str, Any] | None = None
    context_management: dict[str, Any] | None = None
    mcp_servers: list[dict[str, Any]] | None = None
    speed: str | None = None
    user_profile_id: str | None = None
    workspace_id: str | None = None


class CountTokensRequest(_Common):
    pass


class MessagesRequest(_Common):
    max_tokens: Annotated[int, Field(ge=1)]
    container: str | dict[str, Any] | None = None
    diagnostics: dict[str, Any] | None = None
    fallback_credit_token: str | None = None  # beta: a fallback model's credit, accepted and not acted on
    fallbacks: list[dict[str, Any]] | Literal["default"] | None = None  # beta: fallback models (this one answers)
    inference_geo: str | None = None
    metadata: Metadata | None = None
    service_tier: Literal["auto", "standard_only"] | None = None
    stop_sequences: list[str] | None = None
    stream: bool | None = None
    thread: Thread | None = None  # beta message threads: the server holds the conversation (fake_llm.wire.threads)
    temperature: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    top_k: Annotated[int, Field(ge=0)] | None = None
    top_p: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
