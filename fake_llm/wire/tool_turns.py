"""Tool calls and their results must pair up: each API refuses a history that breaks the pairs.

An app that trims its history in the middle of a tool turn, drops a tool result or replays a result
without its call meets a 400 in production; here it meets the same 400, in the API's own words:

- Chat Completions: every ``tool_calls`` id answered by the ``tool`` messages right after it, no
  ``tool`` message that answers no call of the assistant message before them, and an assistant
  message's ``content`` null only when it makes a call;
- Responses: every ``function_call`` with its ``function_call_output`` (the previous response's
  calls included), and no output without its call;
- Messages: every ``tool_use`` answered by a ``tool_result`` in the next message, and no
  ``tool_result`` without a ``tool_use`` in the message before it.
"""

from __future__ import annotations

from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.types import Message
from fake_llm.wire.request_models import ChatRequest, MessagesRequest
from fake_llm.wire.request_models.anthropic_messages import ToolResultBlock, ToolUseBlock


def _unanswered(ids: list[str], at: int) -> InvalidRequest:
    return InvalidRequest("An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                          f"'tool_call_id'. The following tool_call_ids did not have response messages: "
                          f"{', '.join(ids)}", param=f"messages.[{at}].role", code="")


def chat(req: ChatRequest) -> None:
    calls: set[str] = set()  # the ids of the assistant message the tool messages that follow it answer
    waiting: list[str] = []  # of those, the ones no tool message has answered yet
    at = -1
    for i, m in enumerate(req.messages):
        if m.role == "tool":
            if m.tool_call_id not in calls:  # type: ignore[union-attr]
                raise InvalidRequest("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                                     "message with 'tool_calls'.", param=f"messages.[{i}].role", code="")
            waiting = [c for c in waiting if c != m.tool_call_id]  # type: ignore[union-attr]
            continue
        if waiting:
            raise _unanswered(waiting, at)
        waiting = [c.id for c in m.tool_calls or ()] if m.role == "assistant" else []  # type: ignore[union-attr]
        if (m.role == "assistant" and m.content is None and "content" in m.model_fields_set and not waiting
                and m.function_call is None):  # type: ignore[union-attr]
            raise InvalidRequest("Invalid value for 'content': expected a string, got null.",
                                 param=f"messages.[{i}].content", code="")  # null only beside a call
        calls, at = set(waiting), i
    if waiting:
        raise _unanswered(waiting, at)


def responses(body: dict[str, Any], history: tuple[Message, ...]) -> None:
    """``body`` has passed ``checks.responses``; ``history`` is its ``previous_response_id``'s conversation."""
    if body.get("conversation") is not None:
        return  # a conversation's items are not known here
    items = body["input"] if isinstance(body.get("input"), list) else []  # text answers no call
    kinds = [item.get("type", "message") for item in items]
    outputs = {item["call_id"] for item, kind in zip(items, kinds, strict=True) if kind == "function_call_output"}
    last = history[-1] if history else None
    earlier = [c.id for c in last.tool_calls] if last is not None else []
    for call_id in [*earlier, *(item["call_id"] for item, k in zip(items, kinds, strict=True) if k == "function_call")]:
        if call_id not in outputs:
            raise InvalidRequest(f"No tool output found for function call {call_id}.", param="input", code="")
    if "compaction" in kinds or "item_reference" in kinds:
        return  # an output may answer a call held in a compaction or a referenced item
    known = {c.id for m in history for c in m.tool_calls}
    for item, kind in zip(items, kinds, strict=True):
        if kind == "function_call":
            known.add(item["call_id"])
        elif kind == "function_call_output" and item["call_id"] not in known:
            raise InvalidRequest(f"No tool call found for function call output with call_id {item['call_id']}.",
                                 param="input", code="")


def messages(req: MessagesRequest) -> None:
    previous: list[str] = []  # the tool_use ids of the message before
    for i, m in enumerate(req.messages):
        blocks = m.content if isinstance(m.content, list) else []
        if m.role == "user":
            for j, block in enumerate(blocks):
                if isinstance(block, ToolResultBlock) and block.tool_use_id not in previous:
                    raise InvalidRequest(f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` "
                                         f"blocks: {block.tool_use_id}. Each `tool_result` block must have a "
                                         "corresponding `tool_use` block in the previous message.",
                                         param=f"messages.{i}.content.{j}")
        uses = [b.id for b in blocks if isinstance(b, ToolUseBlock)] if m.role == "assistant" else []
        if uses and i + 1 < len(req.messages):
            following = req.messages[i + 1]
            answered = {b.tool_use_id for b in following.content if isinstance(b, ToolResultBlock)} if (
                following.role == "user" and isinstance(following.content, list)) else set()
            missing = [u for u in uses if u not in answered]
            if missing:
                raise InvalidRequest(f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                                     f"immediately after: {', '.join(missing)}. Each `tool_use` block must have a "
                                     "corresponding `tool_result` block in the next message.", param=f"messages.{i}")
        previous = uses
