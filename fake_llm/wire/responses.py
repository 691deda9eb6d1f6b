"""OpenAI Responses API (``POST /v1/responses``): what openai-agents, pydantic-ai and langchain call.

Input is text or a list of items: messages, the assistant's ``function_call`` items and the app's
``function_call_output`` items, mapped onto the neutral ``Message`` (types.py). Output is a list of
items too: a ``reasoning`` item for reasoning models, ``function_call`` items or a ``message``.
The response echoes what was asked (instructions, temperature, tools, text.format…) and carries
the full usage object; streamed, it is the named ``response.*`` events in order.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.hooks import Frame
from fake_llm.tokens import count_tokens, split_tokens
from fake_llm.types import FinishReason, Message, ModelReply, ModelRequest, Role, Tool, ToolCall
from fake_llm.wire.common import sse, text_of

_ROLES = {"system": Role.SYSTEM, "developer": Role.SYSTEM, "user": Role.USER, "assistant": Role.ASSISTANT}


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _output_text(output: Any) -> str:
    if isinstance(output, str):
        return output
    return text_of([p for p in output if isinstance(p, dict) and isinstance(p.get("type"), str)], "output")


def input_messages(raw: Any) -> list[Message]:
    """Input items onto neutral messages; consecutive function calls form one assistant turn."""
    if isinstance(raw, str):
        return [Message(Role.USER, raw)]
    messages: list[Message] = []
    names: dict[str, str] = {}
    for i, item in enumerate(raw or []):
        kind = item.get("type", "message")
        if kind == "message":
            content = item["content"]
            text = content if isinstance(content, str) else text_of(content, f"input[{i}].content")
            messages.append(Message(_ROLES[item["role"]], text))
        elif kind == "function_call":
            call = ToolCall(item["call_id"], item["name"], _arguments(item["arguments"]))
            names[call.id] = call.name
            last = messages[-1] if messages else None
            if last is not None and last.role is Role.ASSISTANT and last.tool_calls:
                messages[-1] = Message(Role.ASSISTANT, last.content, tool_calls=(*last.tool_calls, call))
            else:
                messages.append(Message(Role.ASSISTANT, "", tool_calls=(call,)))
        elif kind == "function_call_output":
            messages.append(Message(Role.TOOL, _output_text(item["output"]), tool_call_id=item["call_id"],
                                    name=names.get(item["call_id"])))
        elif kind == "compaction":  # what /v1/responses/compact left of the model's side: read back
            messages += compacted(item.get("encrypted_content"))
        # reasoning items, item references and built-in tool items carry nothing the model reads
    return messages


def parse(body: dict[str, Any], history: tuple[Message, ...] = ()) -> tuple[str, ModelRequest, dict[str, Any]]:
    """(requested model, the neutral request, wire options); ``body`` has passed ``checks.responses``.
    ``history`` is the conversation of ``previous_response_id``, already looked up."""
    messages = []
    if body.get("instructions"):
        messages.append(Message(Role.SYSTEM, body["instructions"]))
    messages.extend(history)
    messages.extend(input_messages(body.get("input")))
    tools = tuple(Tool(t["name"], t.get("description") or "", t.get("parameters") or {})
                  for t in body.get("tools") or () if t.get("type") == "function")
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        choice = choice.get("name") if choice.get("type") == "function" else "auto"
    fmt = (body.get("text") or {}).get("format") or {"type": "text"}
    request = ModelRequest(
        model_version=body["model"], messages=tuple(messages), max_tokens=body.get("max_output_tokens"),
        tools=tools, tool_choice=choice if tools else "none",
        json_schema=fmt.get("schema") if fmt.get("type") == "json_schema" else None,
        json_mode=fmt.get("type") == "json_object", parallel_tool_calls=body.get("parallel_tool_calls") is not False,
        logprobs=(body.get("top_logprobs") or 0) if "message.output_text.logprobs" in (body.get("include") or ())
        else None,
    )
    if not messages:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input", code="missing_required_parameter")
    return body["model"], request, {"stream": bool(body.get("stream"))}


def _echo(body: dict[str, Any]) -> dict[str, Any]:
    """The request's settings as the Response object repeats them, with the API's defaults."""
    # built-in tools (web search, MCP, shell…) are accepted but not simulated, so not echoed either
    tools = [{"type": "function", "name": t["name"], "description": t.get("description"),
              "parameters": t.get("parameters"), "strict": t.get("strict", True)}
             for t in body.get("tools") or () if t.get("type") == "function"]
    text = {"format": {"type": "text"}, "verbosity": "medium", **(body.get("text") or {})}
    if text["format"] is None:
        text["format"] = {"type": "text"}
    reasoning = body.get("reasoning") or {}
    user = {"user": body["user"]} if body.get("user") is not None else {}  # a string or absent, never null
    return {
        "instructions": body.get("instructions"),
        "metadata": body.get("metadata") or {},
        "parallel_tool_calls": body.get("parallel_tool_calls", True) is not False,
        "temperature": float(body["temperature"]) if body.get("temperature") is not None else 1.0,
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": tools,
        "top_p": float(body["top_p"]) if body.get("top_p") is not None else 1.0,
        "background": bool(body.get("background")),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "safety_identifier": body.get("safety_identifier"),
        "service_tier": "default" if body.get("service_tier") in (None, "auto") else body["service_tier"],
        "store": body.get("store") is not False,
        "text": text,
        "top_logprobs": body.get("top_logprobs") or 0,
        "truncation": body.get("truncation") or "disabled",
        **user,
    }


def _ids(response_id: str) -> tuple[str, str, str]:
    tail = response_id.removeprefix("resp_")
    return "msg_" + tail, "rs_" + tail, "fc_" + tail


def _reasoning_item(reply: ModelReply, item_id: str, body: dict[str, Any]) -> dict[str, Any]:
    summary = []
    if (body.get("reasoning") or {}).get("summary") or (body.get("reasoning") or {}).get("generate_summary"):
        summary = [{"type": "summary_text",
                    "text": "**Working out the answer**\n\nI read the question and what I have been given, "
                            "and decided how to respond."}]
    item: dict[str, Any] = {"type": "reasoning", "id": item_id, "summary": summary}
    if "reasoning.encrypted_content" in (body.get("include") or ()):
        digest = hashlib.blake2b(f"{item_id}:{reply.reasoning_tokens}".encode(), digest_size=48).digest()
        item["encrypted_content"] = "gAAAAA" + base64.urlsafe_b64encode(digest).decode()
    return item


def _logprobs(reply: ModelReply, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
    """output_text logprobs when ``include`` asked for them (empty otherwise, as the API sends)."""
    def entry(token: str, logprob: float) -> dict[str, Any]:
        return {"token": token, "logprob": logprob, "bytes": list(token.encode())}

    return [{**entry(t.token, t.logprob), "top_logprobs": [entry(tok, lp) for tok, lp in t.top]}
            for t in (reply.logprobs or [])[start:stop]]


def _message(reply: ModelReply, item_id: str) -> dict[str, Any]:
    part = ({"type": "refusal", "refusal": reply.refusal} if reply.refusal else
            {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": _logprobs(reply)})
    return {"type": "message", "id": item_id, "status": "completed", "role": "assistant", "content": [part]}


def _call_item(call: ToolCall, item_id: str, status: str = "completed") -> dict[str, Any]:
    return {"type": "function_call", "id": item_id, "call_id": call.id, "name": call.name,
            "arguments": json.dumps(call.arguments), "status": status}


def output_items(reply: ModelReply, response_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    msg_id, rs_id, fc_id = _ids(response_id)
    items = [_reasoning_item(reply, rs_id, body)] if reply.reasoning_tokens else []
    if reply.tool_calls:
        items.extend(_call_item(c, f"{fc_id}_{i}") for i, c in enumerate(reply.tool_calls))
    else:
        items.append(_message(reply, msg_id))
    return items


def usage(reply: ModelReply, cached_tokens: int = 0, cache_write_tokens: int = 0) -> dict[str, Any]:
    return {
        "input_tokens": reply.input_tokens,
        "input_tokens_details": {"cached_tokens": cached_tokens, "cache_write_tokens": cache_write_tokens},
        "output_tokens": reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def render(reply: ModelReply, *, response_id: str, created: int, body: dict[str, Any] | None = None,
           status: str = "completed", output: list[dict[str, Any]] | None = None,
           cached_tokens: int = 0, cache_write_tokens: int = 0) -> dict[str, Any]:
    body = body or {}
    incomplete = reply.finish_reason is FinishReason.LENGTH and status == "completed"
    done = status == "completed"
    return {
        "id": response_id,
        "object": "response",
        "created_at": created,
        "completed_at": created if done else None,
        "status": "incomplete" if incomplete else status,
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "model": reply.model_version,
        "output": output_items(reply, response_id, body) if output is None else output,
        **_echo(body),
        **({"usage": usage(reply, cached_tokens, cache_write_tokens)} if done else {}),  # none until done
    }


def stream(reply: ModelReply, *, response_id: str, created: int, body: dict[str, Any] | None = None,
           extra_ttft_s: float = 0.0, extra_per_token_s: float = 0.0, cached_tokens: int = 0,
           cache_write_tokens: int = 0) -> list[Frame]:
    """The events of a streamed response, each output item added, filled and done in turn."""
    body = body or {}
    per_token = reply.per_token_s + extra_per_token_s
    seq = iter(range(1_000_000))

    def event(kind: str, delay_s: float = 0.0, **data: Any) -> Frame:
        return sse({"type": kind, "sequence_number": next(seq), **data}, event=kind, delay_s=delay_s)

    start = render(reply, response_id=response_id, created=created, body=body, status="in_progress", output=[])
    frames = [event("response.created", reply.ttft_s + extra_ttft_s, response=start),
              event("response.in_progress", response=start)]
    for index, item in enumerate(output_items(reply, response_id, body)):
        if item["type"] == "reasoning":
            frames.append(event("response.output_item.added", output_index=index, item={**item, "summary": []}))
            for s_index, part in enumerate(item["summary"]):
                frames.append(event("response.reasoning_summary_part.added", item_id=item["id"], output_index=index,
                                    summary_index=s_index, part={"type": "summary_text", "text": ""}))
                frames.append(event("response.reasoning_summary_text.delta", item_id=item["id"],
                                    output_index=index, summary_index=s_index, delta=part["text"]))
                frames.append(event("response.reasoning_summary_text.done", item_id=item["id"],
                                    output_index=index, summary_index=s_index, text=part["text"]))
                frames.append(event("response.reasoning_summary_part.done", item_id=item["id"], output_index=index,
                                    summary_index=s_index, part=part))
        elif item["type"] == "function_call":
            frames.append(event("response.output_item.added", output_index=index,
                                item={**item, "arguments": "", "status": "in_progress"}))
            args = item["arguments"]
            for piece in [args[j:j + 12] for j in range(0, len(args), 12)]:
                frames.append(event("response.function_call_arguments.delta", per_token * 3, item_id=item["id"],
                                    output_index=index, delta=piece))
            frames.append(event("response.function_call_arguments.done", item_id=item["id"], output_index=index,
                                name=item["name"], arguments=args))
        else:
            frames.extend(_message_events(item, index, reply, per_token, event))
        frames.append(event("response.output_item.done", output_index=index, item=item))
    final = render(reply, response_id=response_id, created=created, body=body, cached_tokens=cached_tokens,
                   cache_write_tokens=cache_write_tokens)
    kind = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    frames.append(event(kind, response=final))
    return frames


def _message_events(item: dict[str, Any], index: int, reply: ModelReply, per_token: float,
                    event: Any) -> list[Frame]:
    part = item["content"][0]
    empty = {"type": "refusal", "refusal": ""} if part["type"] == "refusal" else {
        "type": "output_text", "text": "", "annotations": [], "logprobs": []}
    where = {"item_id": item["id"], "output_index": index, "content_index": 0}
    frames = [event("response.output_item.added", output_index=index,
                    item={**item, "status": "in_progress", "content": []}),
              event("response.content_part.added", **where, part=empty)]
    if part["type"] == "refusal":
        frames.append(event("response.refusal.delta", **where, delta=part["refusal"]))
        frames.append(event("response.refusal.done", **where, refusal=part["refusal"]))
    else:
        for k, piece in enumerate(split_tokens(part["text"])):
            frames.append(event("response.output_text.delta", per_token * max(1, count_tokens(piece)), **where,
                                delta=piece, logprobs=_logprobs(reply, k, k + 1)))
        frames.append(event("response.output_text.done", **where, text=part["text"], logprobs=part["logprobs"]))
    frames.append(event("response.content_part.done", **where, part=part))
    return frames


def input_items_page(conversation: tuple[Message, ...], response_id: str, query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /v1/responses/{id}/input_items``: the conversation a stored response was given, as
    input items (messages, function calls and their outputs), a page of it in the asked order."""
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise InvalidRequest(f"Invalid value for 'order': expected 'asc' or 'desc', got '{order}'.", param="order")
    raw_limit = query.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
        raise InvalidRequest(f"Invalid 'limit': expected an integer from 1 to 100, got '{raw_limit}'.", param="limit")
    items: list[dict[str, Any]] = []
    for i, m in enumerate(conversation):
        item_id = f"msg_{response_id.removeprefix('resp_')}{i:04d}"
        if m.role is Role.TOOL:
            items.append({"id": f"fco_{item_id[4:]}", "type": "function_call_output", "call_id": m.tool_call_id or "",
                          "output": m.content, "status": "completed"})
            continue
        if m.tool_calls:
            items += [{"id": f"fc_{item_id[4:]}{j}", "type": "function_call", "call_id": c.id, "name": c.name,
                       "arguments": json.dumps(c.arguments), "status": "completed"} for j, c in enumerate(m.tool_calls)]
            continue
        part = "output_text" if m.role is Role.ASSISTANT else "input_text"
        content: dict[str, Any] = {"type": part, "text": m.content}
        if part == "output_text":
            content["annotations"] = []
        items.append({"id": item_id, "type": "message", "role": str(m.role),
                      "status": "completed", "content": [content]})
    if order == "desc":
        items.reverse()
    after = query.get("after")
    if after:
        at = next((k for k, item in enumerate(items) if item["id"] == after), None)
        items = items[at + 1:] if at is not None else []
    page = items[:int(raw_limit)]
    return {"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None, "has_more": len(items) > len(page)}


_COMPACTED = "fdc1."  # our compaction items' content: the model's turns, base64 JSON (not secret here)


def compaction_item(messages: Sequence[Message], item_id: str) -> dict[str, Any]:
    """One compaction item carrying what the model said and what its tools returned, so a client
    that sends it back (``input``) continues the same conversation."""
    kept = [{"role": str(m.role), "content": m.content, "tool_call_id": m.tool_call_id}
            for m in messages if m.role in (Role.ASSISTANT, Role.TOOL) and m.content]
    blob = base64.urlsafe_b64encode(json.dumps(kept, ensure_ascii=False).encode()).decode()
    return {"id": item_id, "type": "compaction", "encrypted_content": _COMPACTED + blob}


def compacted(content: Any) -> list[Message]:
    """The messages a compaction item of ours carries; nothing for anyone else's."""
    if not isinstance(content, str) or not content.startswith(_COMPACTED):
        return []
    try:
        kept = json.loads(base64.urlsafe_b64decode(content[len(_COMPACTED):].encode()))
    except ValueError:
        return []
    if not isinstance(kept, list):
        return []
    roles = {"assistant": Role.ASSISTANT, "tool": Role.TOOL}
    return [Message(roles[k["role"]], str(k.get("content") or ""),
                    tool_call_id=k["tool_call_id"] if isinstance(k.get("tool_call_id"), str) else None)
            for k in kept if isinstance(k, dict) and k.get("role") in roles][:200]
