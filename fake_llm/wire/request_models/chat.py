"""``POST /v1/chat/completions``: CreateChatCompletionRequest of the OpenAPI spec.

Bounds are the spec's, except ``max_tokens`` / ``max_completion_tokens`` >= 1, which the real API
enforces though its spec does not say so.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from fake_llm.wire.request_models.base import Body, Part

FUNCTION_NAME = r"^[a-zA-Z0-9_-]{1,64}$"


class TextPart(Part):
    type: Literal["text"]
    text: str


class ImageURL(Part):
    url: str


class ImagePart(Part):
    type: Literal["image_url"]
    image_url: ImageURL


class AudioPart(Part):
    type: Literal["input_audio"]
    input_audio: dict[str, Any]


class FilePart(Part):
    type: Literal["file"]
    file: dict[str, Any]


class RefusalPart(Part):
    type: Literal["refusal"]
    refusal: str


UserPart = Annotated[TextPart | ImagePart | AudioPart | FilePart, Field(discriminator="type")]
AssistantPart = Annotated[TextPart | RefusalPart, Field(discriminator="type")]


class FunctionCall(Part):
    name: str
    arguments: str


class ToolCallParam(Part):
    id: str
    type: Literal["function"]
    function: FunctionCall


class CustomCall(Part):
    id: str
    type: Literal["custom"]
    custom: dict[str, Any]


class SystemMessage(Part):
    role: Literal["system"]
    content: str | Annotated[list[TextPart], Field(min_length=1)]
    name: str | None = None


class DeveloperMessage(Part):
    role: Literal["developer"]
    content: str | Annotated[list[TextPart], Field(min_length=1)]
    name: str | None = None


class UserMessage(Part):
    role: Literal["user"]
    content: str | Annotated[list[UserPart], Field(min_length=1)]
    name: str | None = None


class AssistantMessage(Part):
    role: Literal["assistant"]
    content: str | Annotated[list[AssistantPart], Field(min_length=1)] | None = None
    refusal: str | None = None
    name: str | None = None
    tool_calls: list[Annotated[ToolCallParam | CustomCall, Field(discriminator="type")]] | None = None
    function_call: FunctionCall | None = None
    audio: dict[str, Any] | None = None


class ToolMessage(Part):
    role: Literal["tool"]
    content: str | Annotated[list[TextPart], Field(min_length=1)]
    tool_call_id: str


class FunctionMessage(Part):
    role: Literal["function"]
    content: str | None
    name: str


ChatMessage = Annotated[
    SystemMessage | DeveloperMessage | UserMessage | AssistantMessage | ToolMessage | FunctionMessage,
    Field(discriminator="role"),
]


class FunctionDefinition(Part):
    name: Annotated[str, Field(pattern=FUNCTION_NAME)]
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionTool(Part):
    type: Literal["function"]
    function: FunctionDefinition


class CustomTool(Part):
    type: Literal["custom"]
    custom: dict[str, Any]


class NamedFunction(Part):
    name: str


class NamedToolChoice(Part):
    type: Literal["function"]
    function: NamedFunction


class AllowedToolsChoice(Part):
    type: Literal["allowed_tools"]
    allowed_tools: dict[str, Any]


class CustomToolChoice(Part):
    type: Literal["custom"]
    custom: NamedFunction


ToolChoice = Literal["none", "auto", "required"] | Annotated[
    NamedToolChoice | AllowedToolsChoice | CustomToolChoice, Field(discriminator="type")]


class JsonSchemaSpec(Part):
    name: Annotated[str, Field(pattern=FUNCTION_NAME)]
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class TextFormat(Part):
    type: Literal["text"]


class JsonObjectFormat(Part):
    type: Literal["json_object"]


class JsonSchemaFormat(Part):
    type: Literal["json_schema"]
    json_schema: JsonSchemaSpec


ResponseFormat = Annotated[TextFormat | JsonObjectFormat | JsonSchemaFormat, Field(discriminator="type")]


class StreamOptions(Part):
    include_usage: bool | None = None
    include_obfuscation: bool | None = None


class LegacyFunctionChoice(Part):
    name: str


Penalty = Annotated[float, Field(ge=-2.0, le=2.0)]


class ChatRequest(Body):
    model: str
    messages: Annotated[list[ChatMessage], Field(min_length=1)]
    audio: dict[str, Any] | None = None
    frequency_penalty: Penalty | None = None
    function_call: Literal["none", "auto"] | LegacyFunctionChoice | None = None
    functions: Annotated[list[FunctionDefinition], Field(min_length=1, max_length=128)] | None = None
    logit_bias: dict[str, int] | None = None
    logprobs: bool | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    metadata: Annotated[dict[str, Annotated[str, Field(max_length=512)]], Field(max_length=16)] | None = None
    modalities: list[Literal["text", "audio"]] | None = None
    moderation: dict[str, Any] | None = None
    n: Annotated[int, Field(ge=1, le=128)] | None = None
    parallel_tool_calls: bool | None = None
    prediction: dict[str, Any] | None = None
    presence_penalty: Penalty | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: dict[str, Any] | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    response_format: ResponseFormat | None = None
    safety_identifier: Annotated[str, Field(max_length=64)] | None = None
    seed: int | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority", "fast"] | None = None
    stop: str | Annotated[list[str], Field(min_length=1, max_length=4)] | None = None
    store: bool | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    temperature: Annotated[float, Field(ge=0.0, le=2.0)] | None = None
    tool_choice: ToolChoice | None = None
    tools: Annotated[list[Annotated[FunctionTool | CustomTool, Field(discriminator="type")]],
                     Field(max_length=128)] | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] | None = None
    top_p: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    user: str | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    web_search_options: dict[str, Any] | None = None
