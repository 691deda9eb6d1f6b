"""Anthropic message threads (beta ``message-threads-2026-08-12``): conversations the server holds.

``thread: {"type": "create"}`` asks the server to hold the conversation under the reply's ``id``;
``{"type": "continue", "previous_message_id": id}`` sends only the new messages, and the server puts
the held ones (and the ``system`` and ``tools`` the thread was made with) before them. A reply to a
threaded request is held in turn, so the next turn can continue from it. anthropic-sdk-python's
``tool_runner`` threads by default; a thread the server no longer holds is ``thread_not_found``,
after which the SDK sends the whole history again under a new thread.
"""

from __future__ import annotations

from typing import Any

from fake_llm.errors import InvalidRequest
from fake_llm.response_store import ResponseStore
from fake_llm.wire.common import dumps, loads

HELD_FIELDS = ("system", "tools")  # taken from the thread on a continue; a continue must not repeat them


def continued(body: dict[str, Any], held: ResponseStore) -> dict[str, Any]:
    """The request as the model reads it: a continue's held conversation, system and tools first.
    Anything but a well-formed continue comes back as it is (validation speaks for a malformed one)."""
    thread = body.get("thread")
    if not isinstance(thread, dict) or thread.get("type") != "continue":
        return body
    previous = thread.get("previous_message_id")
    if not isinstance(previous, str) or not isinstance(body.get("messages", []), list):
        return body
    for name in HELD_FIELDS:
        if name in body:
            raise InvalidRequest(f"{name}: must not be sent when thread.type is 'continue': the thread keeps the "
                                 f"{name} it was created with", param=name)
    raw = held.get(previous)
    if raw is None:
        raise InvalidRequest(f"thread.previous_message_id: no thread holds a message with id '{previous}'",
                             param="thread.previous_message_id", status=404, kind="not_found",
                             code="thread_not_found")
    state = loads(raw)
    return {**body, **{k: v for k, v in state.items() if k != "messages"},
            "messages": [*state["messages"], *body.get("messages", [])]}


def hold(held: ResponseStore, message_id: str, body: dict[str, Any], content: list[dict[str, Any]]) -> None:
    """Hold a threaded request's conversation, its reply included, under the reply's id."""
    state = {k: body[k] for k in HELD_FIELDS if k in body}
    state["messages"] = [*body["messages"], {"role": "assistant", "content": content}]
    held.put(message_id, dumps(state))
