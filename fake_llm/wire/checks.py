"""What each route checks before the model runs: its request model, then the rules between fields.

The real APIs reject these with a 400 naming the field, so a drill meets the same errors an app
meets in production: a ``tool_choice`` without ``tools``, both token limits at once, a schema that
is not one, a prompt past the model's context window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fake_llm.catalog import CHAT_KINDS
from fake_llm.errors import InvalidRequest
from fake_llm.wire import tool_turns
from fake_llm.wire.limits import context_overflow
from fake_llm.wire.request_models import (
    ChatRequest,
    CompactRequest,
    CompletionRequest,
    CountTokensRequest,
    EmbeddingsRequest,
    InputTokensRequest,
    MessagesRequest,
    ModerationRequest,
    ResponsesRequest,
)
from fake_llm.wire.request_models.anthropic_messages import TextBlock
from fake_llm.wire.schema_limits import check_schema, check_strict, schema_problem
from fake_llm.wire.validation import Style, validate

EMBEDDING_INPUT_TOKENS = 8192  # per input, on every OpenAI embedding model


def chat(body: dict[str, Any]) -> ChatRequest:
    req = validate(ChatRequest, body, Style.CHAT)
    if req.max_tokens is not None and req.max_completion_tokens is not None:
        raise InvalidRequest("Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.",
                             param="max_tokens", code="invalid_parameter_combination")
    if req.stream_options is not None and not req.stream:
        raise InvalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                             param="stream_options", code="invalid_value")
    names = []
    for i, tool in enumerate(req.tools or []):
        if tool.type == "function":
            fn = tool.function  # type: ignore[union-attr]
            names.append(fn.name)
            if fn.parameters is not None:
                check_schema(fn.parameters, f"function '{fn.name}'", f"tools[{i}].function.parameters")
                if fn.strict:
                    check_strict(fn.parameters, f"function '{fn.name}'", f"tools[{i}].function.parameters",
                                 "invalid_function_parameters")
    choice = req.tool_choice
    if choice is not None and not req.tools:
        raise InvalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
                             "specified.", param="tool_choice", code="")
    if choice is not None and not isinstance(choice, str) and choice.type == "function":
        wanted = choice.function.name  # type: ignore[union-attr]
        if wanted not in names:
            raise InvalidRequest(f"Invalid value for 'tool_choice': function '{wanted}' was not found in 'tools'.",
                                 param="tool_choice.function.name", code="invalid_value")
    fmt = req.response_format
    if fmt is not None and fmt.type == "json_schema" and fmt.json_schema.schema_ is not None:  # type: ignore[union-attr]
        spec = fmt.json_schema  # type: ignore[union-attr]
        check_schema(spec.schema_, f"response_format '{spec.name}'", "response_format")
        if spec.strict:
            check_strict(spec.schema_, f"response_format '{spec.name}'", "response_format", "")
    tool_turns.chat(req)
    return req


def responses(body: dict[str, Any]) -> ResponsesRequest:
    req = validate(ResponsesRequest, body, Style.RESPONSES)
    if req.input is None and req.prompt is None and req.conversation is None and req.previous_response_id is None:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input", code="missing_required_parameter")
    names = []
    for i, tool in enumerate(req.tools or []):
        if tool.type == "function":
            names.append(tool.name)  # type: ignore[union-attr]
            if tool.parameters is not None:  # type: ignore[union-attr]
                check_schema(tool.parameters, f"function '{tool.name}'", f"tools[{i}].parameters")  # type: ignore[union-attr]
                if tool.strict:  # type: ignore[union-attr]
                    check_strict(tool.parameters, f"function '{tool.name}'", f"tools[{i}].parameters",  # type: ignore[union-attr]
                                 "invalid_function_parameters")
    choice = req.tool_choice
    if choice is not None and not isinstance(choice, str) and choice.type == "function" and choice.name not in names:  # type: ignore[union-attr]
        raise InvalidRequest(f"Tool choice 'function' not found in 'tools' parameter: no function named "
                             f"'{choice.name}'.", param="tool_choice", code="invalid_value")  # type: ignore[union-attr]
    fmt = req.text.format if req.text is not None else None
    if fmt is not None and fmt.type == "json_schema":
        check_schema(fmt.schema_, f"text.format '{fmt.name}'", "text.format.schema")  # type: ignore[union-attr]
        if fmt.strict:  # type: ignore[union-attr]
            check_strict(fmt.schema_, f"response_format '{fmt.name}'", "text.format.schema",  # type: ignore[union-attr]
                         "invalid_json_schema")
    return req


def _anthropic_schema(schema: Any, where: str) -> None:
    if (problem := schema_problem(schema)) is not None:
        raise InvalidRequest(f"{where}: JSON schema is invalid. It must match JSON Schema draft 2020-12 "
                             f"(https://json-schema.org/draft/2020-12). Problem {problem}", param=where)


def _anthropic_common(req: CountTokensRequest | MessagesRequest) -> None:
    names = []
    for i, tool in enumerate(req.tools or []):
        if tool.name in names:
            raise InvalidRequest("tools: Tool names must be unique.", param="tools")
        names.append(tool.name)
        if tool.type in (None, "custom"):
            _anthropic_schema(tool.input_schema, f"tools.{i}.custom.input_schema")  # type: ignore[union-attr]
    if req.tool_choice is not None and req.tool_choice.type != "none" and not req.tools:
        raise InvalidRequest("tool_choice: tool_choice may only be specified while providing tools.",
                             param="tool_choice")
    if req.tool_choice is not None and req.tool_choice.type == "tool" and req.tool_choice.name not in names:  # type: ignore[union-attr]
        raise InvalidRequest(f"tool_choice.tool.name: Tool '{req.tool_choice.name}' not found in the provided "  # type: ignore[union-attr]
                             "tools.", param="tool_choice.name")
    for where, fmt in (("output_format", req.output_format),
                       ("output_config.format", req.output_config.format if req.output_config else None)):
        if fmt is not None:
            _anthropic_schema(fmt.schema_, f"{where}.schema")


def _anthropic_content(req: MessagesRequest) -> None:
    """Empty turns are refused (only the last, an assistant prefill, may be empty), and so are empty
    text blocks and a prefill ending in whitespace: an app that keeps an empty assistant turn in its
    history meets these in production."""
    last = len(req.messages) - 1
    for i, m in enumerate(req.messages):
        if not m.content and not (i == last and m.role == "assistant"):
            raise InvalidRequest(f"messages.{i}: all messages must have non-empty content except for the optional "
                                 "final assistant message", param=f"messages.{i}")
        if isinstance(m.content, list) and any(isinstance(b, TextBlock) and not b.text for b in m.content):
            raise InvalidRequest("messages: text content blocks must be non-empty", param=f"messages.{i}")
    final = req.messages[last]
    text = final.content if isinstance(final.content, str) else (
        final.content[-1].text if final.content and isinstance(final.content[-1], TextBlock) else "")
    if final.role == "assistant" and text and text[-1].isspace():
        raise InvalidRequest("messages: final assistant content cannot end with trailing whitespace",
                             param=f"messages.{last}")


def messages(body: dict[str, Any]) -> MessagesRequest:
    req = validate(MessagesRequest, body, Style.ANTHROPIC)
    if not req.messages:
        raise InvalidRequest("messages: at least one message is required", param="messages")
    _anthropic_content(req)
    tool_turns.messages(req)
    if req.thinking is not None and req.thinking.type == "enabled" and req.thinking.budget_tokens >= req.max_tokens:  # type: ignore[union-attr]
        raise InvalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
                             "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
                             "#max-tokens-and-context-window-size", param="max_tokens")
    if (req.thinking is not None and req.thinking.type != "disabled" and req.tool_choice is not None
            and req.tool_choice.type in ("any", "tool")):
        raise InvalidRequest("Thinking may not be enabled when tool_choice forces tool use.", param="tool_choice")
    _anthropic_common(req)
    return req


def anthropic_sampling(body: dict[str, Any], *, one_param: bool) -> None:
    """Newer Claude models take ``temperature`` or ``top_p``, not both (``one_param``, from the catalogue)."""
    if one_param and body.get("temperature") is not None and body.get("top_p") is not None:
        raise InvalidRequest("`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
                             param="top_p")


def input_tokens(body: dict[str, Any]) -> InputTokensRequest:
    """``POST /v1/responses/input_tokens``: the Responses request's shape, every field optional."""
    return validate(InputTokensRequest, body, Style.RESPONSES)


def compact(body: dict[str, Any]) -> CompactRequest:
    """``POST /v1/responses/compact``: a model and what to compact."""
    return validate(CompactRequest, body, Style.RESPONSES)


def count_tokens(body: dict[str, Any]) -> CountTokensRequest:
    req = validate(CountTokensRequest, body, Style.ANTHROPIC)
    if not req.messages:
        raise InvalidRequest("messages: at least one message is required", param="messages")
    _anthropic_common(req)
    return req


def embeddings(body: dict[str, Any]) -> EmbeddingsRequest:
    req = validate(EmbeddingsRequest, body, Style.CHAT)
    texts = [req.input] if isinstance(req.input, str) else req.input
    if "" in texts:  # an empty chunk from an ingestion pipeline: refused, in the API's unhelpful words
        raise InvalidRequest("'$.input' is invalid. Please check the API reference: "
                             "https://platform.openai.com/docs/api-reference.", code="")
    for i, text in enumerate(texts):
        if isinstance(text, str) and (tokens := context_overflow([text], EMBEDDING_INPUT_TOKENS)):
            raise InvalidRequest(
                f"This model's maximum context length is {EMBEDDING_INPUT_TOKENS} tokens, however you requested "
                f"{tokens} tokens ({tokens} in your prompt; 0 for the completion). Please reduce your prompt; or "
                "completion length.", param=f"input[{i}]" if len(texts) > 1 else "input",
                kind="context_length")
    return req


MAX_COMPLETION_CHOICES = 1024  # prompts x max(n, best_of) of one legacy completion: each is a generation


def completions(body: dict[str, Any]) -> CompletionRequest:
    """Legacy ``POST /v1/completions``: its request model, then what the API refuses between fields."""
    req = validate(CompletionRequest, body, Style.CHAT)
    if req.stream_options is not None and not req.stream:
        raise InvalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                             param="stream_options", code="invalid_value")
    if req.best_of is not None and req.best_of < (req.n or 1):
        raise InvalidRequest(f"best_of must be greater than or equal to n, but got best_of={req.best_of} and "
                             f"n={req.n or 1}.", param="best_of", code="invalid_value")
    if req.stream and (req.best_of or 1) > 1:
        raise InvalidRequest("Cannot stream results with best_of > 1.", param="best_of", code="invalid_value")
    batch = isinstance(req.prompt, list) and bool(req.prompt) and not isinstance(req.prompt[0], int)
    prompts = len(req.prompt) if batch and req.prompt is not None else 1  # one token array is one prompt
    sampled = prompts * max(req.n or 1, req.best_of or 1)
    if sampled > MAX_COMPLETION_CHOICES:
        raise InvalidRequest(f"Too many completions asked for: {prompts} prompt(s) times {sampled // prompts} each "
                             f"is {sampled}; this server generates at most {MAX_COMPLETION_CHOICES} per request.",
                             param="prompt", code="invalid_value")
    return req


def endpoint_fits(route: str, kind: str, *, legacy: bool) -> None:
    """The 404 the API gives a legacy completion model on chat (or Responses), and a chat model on
    legacy completions: each kind of model is served by its own endpoint."""
    if legacy and kind in CHAT_KINDS:
        raise InvalidRequest("This is a chat model and not supported in the v1/completions endpoint. Did you mean "
                             "to use v1/chat/completions?", param="model", status=404, code="")
    if legacy and kind != "completion":
        raise InvalidRequest("This model is not supported in the v1/completions endpoint.", param="model",
                             status=404, code="")
    if not legacy and kind not in CHAT_KINDS:  # a completion, embedding or moderation model
        hint = " Did you mean to use v1/completions?" if kind == "completion" else ""
        raise InvalidRequest(f"This is not a chat model and thus not supported in the {route.lstrip('/')} "
                             f"endpoint.{hint}", param="model", status=404, code="")


def completion_fits(prompt_tokens: Sequence[int], max_tokens: int, window: int, *, echo_logprobs: bool,
                    model_echo_logprobs: bool) -> None:
    """A 400 when a prompt and the completion asked for do not fit the legacy model's window (each
    prompt of a batch on its own), or when the model cannot score an echoed prompt
    (gpt-3.5-turbo-instruct refuses ``echo`` with ``logprobs``; the base models allow it)."""
    if echo_logprobs and not model_echo_logprobs:
        raise InvalidRequest("Setting 'echo' and 'logprobs' at the same time is not supported for this model.")
    longest = max(prompt_tokens, default=0)
    if longest + max_tokens <= window:
        return
    raise InvalidRequest(
        f"This model's maximum context length is {window} tokens, however you requested "
        f"{longest + max_tokens} tokens ({longest} in your prompt; {max_tokens} for the completion). "
        "Please reduce your prompt; or completion length.", param="prompt", kind="context_length")


def moderations(body: dict[str, Any]) -> ModerationRequest:
    req = validate(ModerationRequest, body, Style.CHAT)
    if isinstance(req.input, list) and not req.input:
        raise InvalidRequest("Invalid 'input': empty array. Expected an array with minimum length 1, but got an "
                             "empty array instead.", param="input", code="empty_array")
    return req


def output_limit(flavour: str, requested: int | None, model: str, limit: int | None) -> None:
    """A 400 when the request asks for more output tokens than the model can write."""
    if requested is None or limit is None or requested <= limit:
        return
    if flavour == "anthropic":
        raise InvalidRequest(f"max_tokens: {requested} > {limit}, which is the maximum allowed number of output "
                             f"tokens for {model}", param="max_tokens")
    param = "max_output_tokens" if flavour == "responses" else "max_tokens"
    raise InvalidRequest(f"{param} is too large: {requested}. This model supports at most {limit} completion "
                         f"tokens, whereas you provided {requested}.", param=param, code="invalid_value")


def context_window(flavour: str, texts: list[str], window: int) -> None:
    """A 400 in the flavour's words when the prompt is longer than the model's context window."""
    tokens = context_overflow(texts, window)
    if tokens is None:
        return
    if flavour == "anthropic":
        raise InvalidRequest(f"prompt is too long: {tokens} tokens > {window} maximum", kind="context_length")
    if flavour == "responses":
        raise InvalidRequest("Your input exceeds the context window of this model. Please adjust your input and "
                             "try again.", param="input", kind="context_length")
    raise InvalidRequest(f"This model's maximum context length is {window} tokens. However, your messages "
                         f"resulted in {tokens} tokens. Please reduce the length of the messages.",
                         param="messages", kind="context_length")
