"""Anthropic Messages: request parsing, reply shape, the named SSE events and the error envelope."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.hooks import Frame, ProviderError
from fake_llm.prompt_cache import NO_CACHE, CacheUse
from fake_llm.tokens import count_tokens, split_tokens
from fake_llm.types import FinishReason, Message, ModelReply, ModelRequest, Role, Tool, ToolCall
from fake_llm.wire.common import dumps, need, sse, stop_list, text_of

_STOP = {FinishReason.STOP: "end_turn", FinishReason.LENGTH: "max_tokens", FinishReason.TOOL_CALLS: "tool_use",
         FinishReason.REFUSAL: "refusal", FinishReason.CONTENT_FILTER: "refusal"}

ERROR_TYPES: dict[str, str] = {
    "invalid_request": "invalid_request_error",
    "context_length": "invalid_request_error",
    "authentication": "authentication_error",
    "permission": "permission_error",
    "not_found": "not_found_error",
    "too_large": "request_too_large",
    "rate_limit": "rate_limit_error",
    "tokens_rate_limit": "rate_limit_error",
    "quota": "rate_limit_error",
    "overloaded": "overloaded_error",
    "server_error": "api_error",
    "bad_gateway": "api_error",
    "unavailable": "api_error",
    "timeout": "api_error",
}


# machine-readable codes Anthropic gives in ``error.details.error_code`` (the SDK acts on these)
DETAIL_CODES = frozenset({"thread_not_found"})


def error_payload(err: ProviderError, request_id: str) -> dict[str, Any]:
    error: dict[str, Any] = {"type": ERROR_TYPES.get(err.kind, "api_error"), "message": err.message}
    if err.code in DETAIL_CODES:
        error["details"] = {"error_code": err.code}
    return {"type": "error", "error": error, "request_id": request_id}


def error_body(err: ProviderError, request_id: str) -> bytes:
    return dumps(error_payload(err, request_id))


def _turn(m: dict[str, Any], i: int) -> list[Message]:
    """One Anthropic turn onto neutral messages: tool_result blocks become TOOL messages (before the
    turn's own text), tool_use blocks the assistant's tool calls."""
    where = f"messages.{i}.content"
    content = m["content"]
    if not isinstance(content, list):
        role = Role.USER if m["role"] == "user" else Role.ASSISTANT
        return [Message(role, text_of(content, where))]
    if m["role"] == "assistant":
        calls = tuple(
            ToolCall(b["id"] if isinstance(b.get("id"), str) else f"toolu_{i}_{j}", str(b.get("name") or ""),
                     b["input"] if isinstance(b.get("input"), dict) else {})
            for j, b in enumerate(content) if isinstance(b, dict) and b.get("type") == "tool_use"
        )
        rest = [b for b in content if not (isinstance(b, dict) and b.get("type") == "tool_use")]
        return [Message(Role.ASSISTANT, text_of(rest, where), tool_calls=calls)]
    out: list[Message] = []
    rest = []
    for j, block in enumerate(content):
        if isinstance(block, dict) and block.get("type") == "tool_result":
            call_id = block.get("tool_use_id")
            out.append(Message(Role.TOOL, text_of(block.get("content"), f"{where}.{j}.content"),
                               tool_call_id=call_id if isinstance(call_id, str) else None))
        else:
            rest.append(block)
    if rest or not out:
        out.append(Message(Role.USER, text_of(rest, where)))
    return out


def model_entry(name: str, created: int) -> dict[str, Any]:
    stamp = datetime.fromtimestamp(created, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"type": "model", "id": name, "display_name": _display_name(name), "created_at": stamp}


def _display_name(name: str) -> str:
    """``claude-sonnet-4-5-20250929`` -> ``Claude Sonnet 4.5``, the way Anthropic names them."""
    words = [w for w in name.split("-") if not (w.isdigit() and len(w) == 8) and w != "latest"]
    out: list[str] = []
    for w in words:
        if out and w.isdigit() and out[-1][-1].isdigit():
            out[-1] += "." + w
        else:
            out.append(w.capitalize() if not w[0].isdigit() else w)
    return " ".join(out)


def render_models(models: list[tuple[str, int, str]], query: Mapping[str, str]) -> dict[str, Any]:
    """One page of ``GET /v1/models``, newest first, paged by ``limit``/``after_id``/``before_id``."""
    raw_limit = query.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 1000:
        raise InvalidRequest("limit: Input should be less than or equal to 1000 and greater than or equal to 1",
                             param="limit")
    limit = int(raw_limit)
    entries = sorted((model_entry(n, c) for n, c, _ in models), key=lambda e: (e["created_at"], e["id"]),
                     reverse=True)
    ids = [e["id"] for e in entries]
    if (after := query.get("after_id")) in ids:
        entries = entries[ids.index(after) + 1:]
        page = entries[:limit]
        has_more = len(entries) > limit
    elif (before := query.get("before_id")) in ids:
        entries = entries[:ids.index(before)]
        page = entries[-limit:]
        has_more = len(entries) > limit
    else:
        page = entries[:limit]
        has_more = len(entries) > limit
    return {"data": page, "has_more": has_more, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}


def cached_prefix(body: dict[str, Any]) -> str | None:
    """The prompt text up to the last ``cache_control`` breakpoint (tools, then system, then
    messages, the order Anthropic caches in), or None when the request marks none. A top-level
    ``cache_control`` caches everything before the last message."""
    parts: list[str] = []
    upto: int | None = None
    for tool in body.get("tools") or ():
        parts.append(json.dumps(tool, sort_keys=True))
        if isinstance(tool, dict) and tool.get("cache_control"):
            upto = len(parts)
    system = body.get("system")
    for block in [system] if isinstance(system, str) else system or ():
        parts.append(block if isinstance(block, str) else str(block.get("text", "")))
        if isinstance(block, dict) and block.get("cache_control"):
            upto = len(parts)
    messages = body.get("messages") or []
    for i, m in enumerate(messages):
        content = m.get("content")
        for block in [content] if isinstance(content, str) else content or ():
            parts.append(block if isinstance(block, str) else json.dumps(block, sort_keys=True))
            if isinstance(block, dict) and block.get("cache_control"):
                upto = len(parts)
        if body.get("cache_control") and i == len(messages) - 2:
            upto = max(upto or 0, len(parts))
    return None if upto is None else "\n".join(parts[:upto])


def parse_messages(body: dict[str, Any]) -> tuple[str, ModelRequest, dict[str, Any]]:
    model = need(body, "model", str, required=True)
    max_tokens = need(body, "max_tokens", int, required=True, what="integer")
    if max_tokens < 1:
        raise InvalidRequest("max_tokens: must be greater than or equal to 1", param="max_tokens")
    raw = need(body, "messages", list, required=True, what="array")
    if not raw:
        raise InvalidRequest("messages: at least one message is required", param="messages")
    system = body.get("system")
    messages = [Message(Role.SYSTEM, text_of(system, "system"))] if system else []
    for i, m in enumerate(raw):
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
            raise InvalidRequest(f"messages.{i}.role: Input should be 'user' or 'assistant'", param=f"messages.{i}")
        if "content" not in m:
            raise InvalidRequest(f"messages.{i}.content: Field required", param=f"messages.{i}.content")
        messages.extend(_turn(m, i))
    tools = []
    for i, t in enumerate(need(body, "tools", list, what="array") or []):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            raise InvalidRequest(f"tools.{i}.name: Field required", param=f"tools.{i}.name")
        tools.append(Tool(t["name"], t.get("description") or "", t.get("input_schema") or {}))
    choice = need(body, "tool_choice", dict, what="object") or {}
    tool_choice = {"any": "required", "auto": "auto", "none": "none"}.get(choice.get("type", "auto"))
    if choice.get("type") == "tool":
        tool_choice = choice.get("name")
    need(body, "stream", bool, what="boolean")
    need(body, "temperature", (int, float), what="number")
    fmt = body.get("output_format") or (body.get("output_config") or {}).get("format") or {}
    request = ModelRequest(model_version=model, messages=tuple(messages), max_tokens=max_tokens,
                           tools=tuple(tools), tool_choice=tool_choice,
                           json_schema=fmt.get("schema") if fmt.get("type") == "json_schema" else None,
                           parallel_tool_calls=choice.get("disable_parallel_tool_use") is not True,
                           stop=stop_list(body.get("stop_sequences"), "stop_sequences"))
    return model, request, {"stream": bool(body.get("stream"))}


def thinking_asked(body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")


def _thinking(reply: ModelReply, body: dict[str, Any]) -> dict[str, Any]:
    """The thinking block of extended thinking: a short account of how the reply was reached, and a
    signature that is opaque but the same for the same thinking, as clients send it back."""
    question = next((m.get("content") for m in reversed(body.get("messages") or [])
                     if m.get("role") == "user" and isinstance(m.get("content"), str)), "")
    plan = ("I need data I do not have, so I will call "
            + ", ".join(c.name for c in reply.tool_calls) + "." if reply.tool_calls
            else "I will answer from what I have been given.")
    text = f"The user asks: {question[:300]!r}. {plan}" if question else plan
    if (body.get("thinking") or {}).get("display") == "omitted":
        text = ""
    digest = hashlib.blake2b(f"{reply.model_version}:{text}:{plan}".encode(), digest_size=48).digest()
    return {"type": "thinking", "thinking": text, "signature": base64.b64encode(b"\x12" + digest).decode()}


def _content(reply: ModelReply, body: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if body and thinking_asked(body):
        blocks.append(_thinking(reply, body))
    text = reply.refusal or reply.text
    if text:
        blocks.append({"type": "text", "text": text})
    blocks.extend({"type": "tool_use", "id": c.id.replace("call_", "toolu_"), "name": c.name, "input": c.arguments}
                  for c in reply.tool_calls)
    return blocks


def _stop(reply: ModelReply) -> tuple[str, str | None]:
    if reply.stop_sequence is not None and reply.finish_reason is FinishReason.STOP:
        return "stop_sequence", reply.stop_sequence
    return _STOP[reply.finish_reason], None


def _usage(reply: ModelReply, cache: CacheUse, extra_output: int = 0) -> dict[str, Any]:
    """Anthropic counts cached input apart: ``input_tokens`` is only what was neither read nor written."""
    return {"input_tokens": max(0, reply.input_tokens - cache.read_tokens - cache.write_tokens),
            "cache_creation_input_tokens": cache.write_tokens, "cache_read_input_tokens": cache.read_tokens,
            "cache_creation": {"ephemeral_5m_input_tokens": cache.write_tokens, "ephemeral_1h_input_tokens": 0},
            "output_tokens": reply.output_tokens + extra_output, "service_tier": "standard"}


def render_message(reply: ModelReply, *, message_id: str, model: str, body: dict[str, Any] | None = None,
                   cache: CacheUse = NO_CACHE) -> dict[str, Any]:
    content = _content(reply, body)
    thought = sum(count_tokens(b["thinking"]) for b in content if b["type"] == "thinking")
    stop_reason, stop_sequence = _stop(reply)
    return {
        "id": message_id, "type": "message", "role": "assistant", "model": model,
        "content": content, "stop_reason": stop_reason, "stop_sequence": stop_sequence,
        "usage": _usage(reply, cache, thought),
    }


def stream_message(reply: ModelReply, *, message_id: str, model: str, extra_ttft_s: float = 0.0,
                   extra_per_token_s: float = 0.0, body: dict[str, Any] | None = None,
                   cache: CacheUse = NO_CACHE) -> list[Frame]:
    per_token = reply.per_token_s + extra_per_token_s
    whole = render_message(reply, message_id=message_id, model=model, body=body, cache=cache)
    start = {**whole, "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {**whole["usage"], "output_tokens": 1}}
    frames = [sse({"type": "message_start", "message": start}, event="message_start",
                  delay_s=reply.ttft_s + extra_ttft_s)]
    for index, block in enumerate(whole["content"]):
        if block["type"] == "thinking":
            frames.append(sse({"type": "content_block_start", "index": index,
                               "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
                              event="content_block_start"))
            for piece in split_tokens(block["thinking"]):
                frames.append(sse({"type": "content_block_delta", "index": index,
                                   "delta": {"type": "thinking_delta", "thinking": piece}},
                                  event="content_block_delta", delay_s=per_token * max(1, count_tokens(piece))))
            frames.append(sse({"type": "content_block_delta", "index": index,
                               "delta": {"type": "signature_delta", "signature": block["signature"]}},
                              event="content_block_delta"))
        elif block["type"] == "text":
            frames.append(sse({"type": "content_block_start", "index": index,
                               "content_block": {"type": "text", "text": ""}}, event="content_block_start"))
            if index == 0:
                frames.append(sse({"type": "ping"}, event="ping"))
            for piece in split_tokens(block["text"]):
                frames.append(sse({"type": "content_block_delta", "index": index,
                                   "delta": {"type": "text_delta", "text": piece}}, event="content_block_delta",
                                  delay_s=per_token * max(1, count_tokens(piece))))
        else:
            frames.append(sse({"type": "content_block_start", "index": index,
                               "content_block": {**block, "input": {}}}, event="content_block_start"))
            args = json.dumps(block["input"])
            for piece in [args[j:j + 12] for j in range(0, len(args), 12)]:
                frames.append(sse({"type": "content_block_delta", "index": index,
                                   "delta": {"type": "input_json_delta", "partial_json": piece}},
                                  event="content_block_delta", delay_s=per_token * 3))
        frames.append(sse({"type": "content_block_stop", "index": index}, event="content_block_stop"))
    usage = {k: v for k, v in whole["usage"].items() if k not in ("cache_creation", "service_tier")}
    frames.append(sse({"type": "message_delta",
                       "delta": {"stop_reason": whole["stop_reason"], "stop_sequence": whole["stop_sequence"]},
                       "usage": usage}, event="message_delta"))
    frames.append(sse({"type": "message_stop"}, event="message_stop"))
    return frames
