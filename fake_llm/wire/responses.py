"""OpenAI Responses API (``POST /v1/responses``): what langchain-openai and newer apps call.

Text input or a list of messages, ``instructions`` as the system prompt, plain or streamed output
with the named ``response.*`` events. Tools and structured output stay on Chat Completions.
"""

from __future__ import annotations

from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.hooks import Frame
from fake_llm.tokens import count_tokens, split_tokens
from fake_llm.types import Message, ModelReply, ModelRequest, Role
from fake_llm.wire.common import need, sse, text_of

_ROLES = {"system": Role.SYSTEM, "developer": Role.SYSTEM, "user": Role.USER, "assistant": Role.ASSISTANT}


def parse(body: dict[str, Any]) -> tuple[str, ModelRequest, dict[str, Any]]:
    model = need(body, "model", str, required=True)
    raw = body.get("input")
    if raw is None:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input")
    messages = []
    instructions = need(body, "instructions", str)
    if instructions:
        messages.append(Message(Role.SYSTEM, instructions))
    if isinstance(raw, str):
        messages.append(Message(Role.USER, raw))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or item.get("role") not in _ROLES:
                raise InvalidRequest(
                    f"Invalid value for 'input[{i}]': expected a message with a role.", param=f"input[{i}]"
                )
            messages.append(Message(_ROLES[item["role"]], text_of(item.get("content"), f"input[{i}].content")))
    else:
        raise InvalidRequest("Invalid type for 'input': expected a string or an array of messages.", param="input")
    max_tokens = need(body, "max_output_tokens", int, what="integer")
    need(body, "stream", bool, what="boolean")
    return (
        model,
        ModelRequest(model_version=model, messages=tuple(messages), max_tokens=max_tokens),
        {"stream": bool(body.get("stream"))},
    )


def _message(reply: ModelReply, item_id: str) -> dict[str, Any]:
    text = reply.refusal or reply.text
    part = (
        {"type": "refusal", "refusal": text}
        if reply.refusal
        else {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    )
    return {"type": "message", "id": item_id, "status": "completed", "role": "assistant", "content": [part]}


def render(
    reply: ModelReply,
    *,
    response_id: str,
    created: int,
    status: str = "completed",
    output: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    incomplete = reply.finish_reason.value == "length"
    return {
        "id": response_id,
        "object": "response",
        "created_at": created,
        "model": reply.model_version,
        "status": "incomplete" if incomplete and status == "completed" else status,
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "error": None,
        "output": [_message(reply, "msg_" + response_id[5:])] if output is None else output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "temperature": 1.0,
        "top_p": 1.0,
        "instructions": None,
        "metadata": {},
        "text": {"format": {"type": "text"}},
        "truncation": "disabled",
        "usage": {
            "input_tokens": reply.input_tokens,
            "output_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def stream(
    reply: ModelReply, *, response_id: str, created: int, extra_ttft_s: float = 0.0, extra_per_token_s: float = 0.0
) -> list[Frame]:
    item_id = "msg_" + response_id[5:]
    per_token = reply.per_token_s + extra_per_token_s
    seq = iter(range(10_000))

    def event(kind: str, delay_s: float = 0.0, **data: Any) -> Frame:
        return sse({"type": kind, "sequence_number": next(seq), **data}, event=kind, delay_s=delay_s)

    start = render(reply, response_id=response_id, created=created, status="in_progress", output=[])
    frames = [
        event("response.created", reply.ttft_s + extra_ttft_s, response=start),
        event("response.in_progress", response=start),
        event(
            "response.output_item.added",
            output_index=0,
            item={"type": "message", "id": item_id, "status": "in_progress", "role": "assistant", "content": []},
        ),
        event(
            "response.content_part.added",
            item_id=item_id,
            output_index=0,
            content_index=0,
            part={"type": "output_text", "text": "", "annotations": [], "logprobs": []},
        ),
    ]
    text = reply.refusal or reply.text
    for piece in split_tokens(text):
        frames.append(
            event(
                "response.output_text.delta",
                per_token * max(1, count_tokens(piece)),
                item_id=item_id,
                output_index=0,
                content_index=0,
                delta=piece,
                logprobs=[],
            )
        )
    done = _message(reply, item_id)
    frames += [
        event("response.output_text.done", item_id=item_id, output_index=0, content_index=0, text=text, logprobs=[]),
        event("response.content_part.done", item_id=item_id, output_index=0, content_index=0, part=done["content"][0]),
        event("response.output_item.done", output_index=0, item=done),
        event("response.completed", response=render(reply, response_id=response_id, created=created)),
    ]
    return frames
