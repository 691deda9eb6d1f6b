"""OpenAI Chat Completions, Embeddings and Models: request parsing and exact reply shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from fake_llm.errors import InvalidRequest
from fake_llm.hooks import Frame, ProviderError
from fake_llm.tokens import count_tokens, split_tokens
from fake_llm.types import FinishReason, Message, ModelReply, ModelRequest, Role, Tool, ToolCall
from fake_llm.wire.common import dumps, need, sse, stop_list, text_of

_ROLES = {"system": Role.SYSTEM, "developer": Role.SYSTEM, "user": Role.USER,
          "assistant": Role.ASSISTANT, "tool": Role.TOOL, "function": Role.TOOL}
_FINISH = {FinishReason.STOP: "stop", FinishReason.LENGTH: "length", FinishReason.TOOL_CALLS: "tool_calls",
           FinishReason.REFUSAL: "stop", FinishReason.CONTENT_FILTER: "content_filter"}

# kind -> (openai error type, code)
ERROR_TYPES: dict[str, tuple[str, str | None]] = {
    "invalid_request": ("invalid_request_error", None),
    "context_length": ("invalid_request_error", "context_length_exceeded"),
    "authentication": ("invalid_request_error", "invalid_api_key"),
    "permission": ("invalid_request_error", "unsupported_country_region_territory"),
    "not_found": ("invalid_request_error", "model_not_found"),
    "too_large": ("invalid_request_error", "request_too_large"),
    "rate_limit": ("requests", "rate_limit_exceeded"),
    "tokens_rate_limit": ("tokens", "rate_limit_exceeded"),
    "quota": ("insufficient_quota", "insufficient_quota"),
    "overloaded": ("server_error", "overloaded"),
    "server_error": ("server_error", None),
    "bad_gateway": ("server_error", None),
    "unavailable": ("server_error", "service_unavailable"),
    "timeout": ("server_error", "timeout"),
}


def error_body(err: ProviderError, param: str | None = None) -> bytes:
    etype, code = ERROR_TYPES.get(err.kind, ("server_error", None))
    if err.code is not None:  # "" is an explicit null code
        code = err.code or None
    return dumps({"error": {"message": err.message, "type": etype, "param": param, "code": code}})


def tool_arguments(raw: Any) -> dict[str, Any]:
    """A tool call's arguments as an object: the JSON string the SDKs send, or an object already."""
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if isinstance(raw, str) and raw.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _chat_message(m: dict[str, Any], i: int) -> Message:
    """One chat message onto the neutral form: assistant tool calls and tool results kept as such."""
    role = _ROLES[m["role"]]
    content = m.get("content")
    text = content if isinstance(content, str) else text_of(content, f"messages[{i}].content")
    if role is Role.TOOL:
        call_id = m.get("tool_call_id")
        return Message(role, text, tool_call_id=call_id if isinstance(call_id, str) else None,
                       name=m["name"] if isinstance(m.get("name"), str) else None)
    calls = []
    for j, c in enumerate(m.get("tool_calls") or []):
        fn = c.get("function") if isinstance(c, dict) else None
        if not isinstance(fn, dict):
            continue
        call_id = c.get("id") if isinstance(c.get("id"), str) else f"call_{i}_{j}"
        calls.append(ToolCall(call_id, str(fn.get("name") or ""), tool_arguments(fn.get("arguments"))))
    return Message(role, text, tool_calls=tuple(calls))


_TYPED: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("stream", bool, "boolean"), ("n", int, "integer"), ("seed", int, "integer"),
    ("temperature", (int, float), "number"))


def parse_chat(body: dict[str, Any]) -> tuple[str, ModelRequest, dict[str, Any]]:
    """(requested model, the neutral request, wire options) or InvalidRequest naming the field."""
    model = need(body, "model", str, required=True)
    raw_messages = need(body, "messages", list, required=True, what="array")
    if not raw_messages:
        raise InvalidRequest("'messages' must contain at least one message.", param="messages")
    messages = []
    for i, m in enumerate(raw_messages):
        if not isinstance(m, dict):
            raise InvalidRequest(f"Invalid type for 'messages[{i}]': expected an object.", param=f"messages[{i}]")
        role = m.get("role")
        if role not in _ROLES:
            raise InvalidRequest(
                f"Invalid value for 'messages[{i}].role': expected one of {', '.join(_ROLES)}.",
                param=f"messages[{i}].role",
            )
        if "content" not in m and not m.get("tool_calls"):
            raise InvalidRequest(f"Missing required parameter: 'messages[{i}].content'.",
                                 param=f"messages[{i}].content")
        messages.append(_chat_message(m, i))
    tools = []
    for i, t in enumerate(need(body, "tools", list, what="array") or []):
        fn = t.get("function") if isinstance(t, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise InvalidRequest(f"Missing required parameter: 'tools[{i}].function.name'.",
                                 param=f"tools[{i}].function.name")
        tools.append(Tool(fn["name"], fn.get("description") or "", fn.get("parameters") or {}))
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        fn = choice.get("function")
        choice = fn.get("name") if isinstance(fn, dict) else None
    fmt = need(body, "response_format", dict, what="object") or {}
    schema = None
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise InvalidRequest("Missing required parameter: 'response_format.json_schema.name'.",
                                 param="response_format.json_schema.name")
        schema = spec.get("schema") or {"type": "object"}
    elif fmt.get("type") not in (None, "text", "json_object"):
        raise InvalidRequest("Invalid value for 'response_format.type': expected one of text, json_object, "
                             "json_schema.", param="response_format.type")
    max_tokens = need(body, "max_completion_tokens", int, what="integer")
    if max_tokens is None:
        max_tokens = need(body, "max_tokens", int, what="integer")
    for name, kind, what in _TYPED:
        if body.get(name) is not None:  # absent, the common case: no call
            need(body, name, kind, what=what)
    options = {
        "stream": bool(body.get("stream")),
        "include_usage": bool((body.get("stream_options") or {}).get("include_usage")),
        "n": max(1, min(int(body.get("n") or 1), 128)),
        "temperature": body.get("temperature"),
    }
    request = ModelRequest(
        model_version=model, messages=tuple(messages), max_tokens=max_tokens, seed=body.get("seed"),
        tools=tuple(tools), tool_choice=choice if isinstance(choice, str) else None, json_schema=schema,
        json_mode=fmt.get("type") == "json_object", stop=stop_list(body.get("stop"), "stop"),
        parallel_tool_calls=body.get("parallel_tool_calls") is not False,
        logprobs=_top_logprobs(body) if body.get("logprobs") is True else None,
    )
    return model, request, options


def _top_logprobs(body: dict[str, Any]) -> int:
    top = body.get("top_logprobs")
    return min(max(top, 0), 20) if isinstance(top, int) and not isinstance(top, bool) else 0


def _usage(choices: Sequence[ModelReply], cached_tokens: int = 0) -> dict[str, Any]:
    """One request's usage: the prompt once, every choice's output billed."""
    prompt = choices[0].input_tokens
    completion = sum(c.output_tokens for c in choices)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": sum(c.reasoning_tokens for c in choices),
                                      "audio_tokens": 0, "accepted_prediction_tokens": 0,
                                      "rejected_prediction_tokens": 0},
    }


def _logprob_entries(reply: ModelReply, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
    def entry(token: str, logprob: float) -> dict[str, Any]:
        return {"token": token, "logprob": logprob, "bytes": list(token.encode())}

    return [{**entry(t.token, t.logprob), "top_logprobs": [entry(tok, lp) for tok, lp in t.top]}
            for t in (reply.logprobs or [])[start:stop]]


def _logprobs(reply: ModelReply) -> dict[str, Any] | None:
    if reply.logprobs is None:
        return None
    return {"content": _logprob_entries(reply), "refusal": None}


def _message(reply: ModelReply) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": None if reply.refusal or reply.tool_calls
                           else reply.text, "refusal": reply.refusal, "annotations": []}
    if reply.tool_calls:
        msg["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for c in reply.tool_calls
        ]
    return msg


def render_chat(reply: ModelReply, *, completion_id: str, created: int, others: Sequence[ModelReply] = (),
                cached_tokens: int = 0) -> dict[str, Any]:
    """A whole completion; ``others`` are the replies of choices 1, 2, … when ``n`` asked for more."""
    choices = (reply, *others)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": reply.model_version,
        "choices": [
            {"index": i, "message": _message(c), "logprobs": _logprobs(c), "finish_reason": _FINISH[c.finish_reason]}
            for i, c in enumerate(choices)
        ],
        "usage": _usage(choices, cached_tokens),
        "service_tier": "default",
        "system_fingerprint": reply.system_fingerprint,
    }


_Step = tuple[dict[str, Any], str | None, Any, float]


def _steps(reply: ModelReply, per_token: float) -> list[_Step]:
    """One choice's chunks after the role chunk: (delta, finish_reason, logprobs, delay before it)."""
    steps: list[_Step] = []
    if reply.tool_calls:
        for i, call in enumerate(reply.tool_calls):
            steps.append(({"tool_calls": [{"index": i, "id": call.id, "type": "function",
                                           "function": {"name": call.name, "arguments": ""}}]}, None, None, 0.0))
            args = json.dumps(call.arguments)
            for piece in [args[j:j + 12] for j in range(0, len(args), 12)]:
                steps.append(({"tool_calls": [{"index": i, "function": {"arguments": piece}}]}, None, None,
                              per_token * 3))
    else:
        field, text = ("refusal", reply.refusal) if reply.refusal else ("content", reply.text)
        for k, piece in enumerate(split_tokens(text or "")):
            logprobs = ({"content": _logprob_entries(reply, k, k + 1), "refusal": None}
                        if reply.logprobs is not None else None)
            steps.append(({field: piece}, None, logprobs, per_token * max(1, count_tokens(piece))))
    steps.append(({}, _FINISH[reply.finish_reason], None, 0.0))
    return steps


def _piece(value: Any) -> bytes:
    """A piece of a frame, joined into it at once: orjson's own bytes (``dumps`` copies them to
    their exact size, for what is kept), the standard library for what orjson refuses."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return dumps(value)


def stream_chat(reply: ModelReply, *, completion_id: str, created: int, include_usage: bool,
                extra_ttft_s: float = 0.0, extra_per_token_s: float = 0.0, others: Sequence[ModelReply] = (),
                cached_tokens: int = 0) -> list[Frame]:
    """The SSE frames of a streamed completion, each with the simulated delay before it.

    With ``n`` choices (``others`` after ``reply``) the chunks of every index interleave, as the
    API sends them, each index ending with its own finish_reason: the delay is paid once per
    step, not once per choice.
    """
    choices = (reply, *others)
    per_token = reply.per_token_s + extra_per_token_s
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": reply.model_version, "service_tier": "default",
            "system_fingerprint": reply.system_fingerprint}
    role: _Step = ({"role": "assistant", "content": "", "refusal": None}, None, None, reply.ttft_s + extra_ttft_s)
    lanes = [[role, *_steps(c, per_token)] for c in choices]
    # Every chunk is the same JSON around its step: serialise that frame once, not per token.
    before_index = b"data: " + dumps(head)[:-1] + b',"choices":[{"index":'
    tail = b"}]" + (b',"usage":null' if include_usage else b"") + b"}\n\n"
    frames = []
    for k in range(max(len(lane) for lane in lanes)):
        first = True
        for index, lane in enumerate(lanes):
            if k >= len(lane):
                continue
            delta, finish, logprobs, delay_s = lane[k]
            data = b"".join((before_index, b"%d" % index, b',"delta":', _piece(delta), b',"logprobs":',
                             b"null" if logprobs is None else _piece(logprobs), b',"finish_reason":',
                             b"null" if finish is None else _piece(finish), tail))  # one copy, not seven
            frames.append(Frame(data, delay_s=delay_s if first else 0.0))
            first = False
    if include_usage:
        frames.append(sse({**head, "choices": [], "usage": _usage(choices, cached_tokens)}))
    frames.append(Frame(b"data: [DONE]\n\n"))
    return frames


def render_models(names: list[tuple[str, int, str]]) -> dict[str, Any]:
    return {"object": "list", "data": [model_entry(*n) for n in names]}


def model_entry(name: str, created: int, owned_by: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": created, "owned_by": owned_by}


def parse_embeddings(body: dict[str, Any]) -> tuple[str, list[str], str, int | None]:
    model = need(body, "model", str, required=True)
    raw = body.get("input")
    if raw is None:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input")
    if isinstance(raw, str):
        texts = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(x, str) for x in raw):
        texts = raw
    elif isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw):
        texts = [" ".join(f"t{x}" for x in raw)]
    elif isinstance(raw, list) and raw and all(isinstance(x, list) for x in raw):
        texts = [" ".join(f"t{x}" for x in row) for row in raw]
    else:
        raise InvalidRequest("Invalid type for 'input': expected a string, an array of strings or of tokens.",
                             param="input")
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise InvalidRequest("Invalid value for 'encoding_format': expected 'float' or 'base64'.",
                             param="encoding_format")
    dims = need(body, "dimensions", int, what="integer")
    return model, texts, fmt, dims


def _page_params(query: Mapping[str, str]) -> tuple[str, int, str | None]:
    order = query.get("order", "asc")
    if order not in ("asc", "desc"):
        raise InvalidRequest(f"Invalid value for 'order': expected 'asc' or 'desc', got '{order}'.", param="order")
    raw = query.get("limit", "20")
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise InvalidRequest(f"Invalid 'limit': integer below minimum value or not an integer. Expected a value "
                             f"from 1 to 100, but got {raw} instead.", param="limit")
    return order, int(raw), query.get("after")


def _page(items: list[dict[str, Any]], order: str, limit: int, after: str | None) -> dict[str, Any]:
    if order == "desc":
        items = items[::-1]
    if after:
        at = next((k for k, item in enumerate(items) if item.get("id") == after), None)
        items = items[at + 1:] if at is not None else []
    page = items[:limit]
    return {"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None, "has_more": len(items) > len(page)}


def stored_page(stored: list[dict[str, Any]], query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /v1/chat/completions``: the stored completions, oldest first unless ``order=desc``,
    only those of ``model`` and with every ``metadata[key]=value`` asked for."""
    order, limit, after = _page_params(query)
    model = query.get("model")
    wanted = {k[len("metadata["):-1]: v for k, v in query.items() if k.startswith("metadata[") and k.endswith("]")}
    chosen = [s for s in stored if (model is None or s.get("model", "").startswith(model))
              and all((s.get("metadata") or {}).get(k) == v for k, v in wanted.items())]
    return _page(chosen, order, limit, after)


def stored_messages_page(messages: Sequence[Message], completion_id: str, query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /v1/chat/completions/{id}/messages``: the messages the stored completion was asked with."""
    order, limit, after = _page_params(query)
    items: list[dict[str, Any]] = [
        {"id": f"{completion_id}-{i}", "role": str(m.role), "content": m.content, "refusal": None,
         "annotations": [], "content_parts": None} for i, m in enumerate(messages)]
    return _page(items, order, limit, after)


def metadata_update(body: Any) -> dict[str, str]:
    """The ``metadata`` of ``POST /v1/chat/completions/{id}``: up to 16 string pairs."""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    if not isinstance(metadata, dict) or len(metadata) > 16 or not all(
            isinstance(k, str) and len(k) <= 64 and isinstance(v, str) and len(v) <= 512 for k, v in metadata.items()):
        raise InvalidRequest("Invalid 'metadata': expected an object of at most 16 string keys (64 characters) "
                             "and string values (512 characters).", param="metadata")
    return metadata
