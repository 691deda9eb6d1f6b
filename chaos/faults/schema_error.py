"""The API changed under you: a 200 whose body no longer matches what the client expects.

The "errors / exceptions: API change or schema mismatch" row of the runbook. Acts on the wire body
of non-streamed replies; streamed replies are broken by ``stream_error``.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Flavour, Stage


class SchemaErrorParams(Params):
    kind: Literal["renamed_field", "missing_field", "wrong_type", "non_json_body", "invalid_tool_arguments",
                  "invalid_json_mode"] = "renamed_field"


def _first_message(wire: dict[str, Any]) -> dict[str, Any]:
    choices = wire.get("choices") or [{}]
    return choices[0].get("message", {})


def _first_text(wire: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Where the first answer's text sits and under which key: chat's ``message.content``, or a
    legacy text completion's ``choices[0].text``."""
    if wire.get("object") == "text_completion":
        return (wire.get("choices") or [{}])[0], "text"
    return _first_message(wire), "content"


class SchemaError(Fault):
    type = "schema_error"
    stage = Stage.PROVIDER_RESPONSE
    Params = SchemaErrorParams
    description = "renames, drops or mistypes fields of the reply, or sends a non-JSON body"

    def apply(self, ctx: Exchange) -> None:
        kind = self.params.kind  # type: ignore[attr-defined]
        wire = ctx.wire
        if wire is None:
            return
        anthropic = ctx.info.flavour is Flavour.ANTHROPIC
        if kind == "non_json_body":
            ctx.raw_body = b"<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>"
        elif kind == "renamed_field":
            if anthropic:
                wire["contents"] = wire.pop("content", [])
            else:
                holder, key = _first_text(wire)
                holder["content" if key == "text" else "text"] = holder.pop(key, None)
        elif kind == "missing_field":
            wire.pop("content" if anthropic else "choices", None)
        elif kind == "wrong_type":
            if anthropic:
                wire["content"] = json.dumps(wire.get("content"))
            else:
                wire["choices"] = {"0": (wire.get("choices") or [None])[0]}
        elif kind == "invalid_tool_arguments":
            for call in _first_message(wire).get("tool_calls") or []:
                call["function"]["arguments"] = call["function"]["arguments"][:-3] + "'}"
            for block in wire.get("content", []) if anthropic else []:
                if block.get("type") == "tool_use":
                    block["input"] = "{'unterminated"
        elif kind == "invalid_json_mode":
            holder, key = _first_text(wire)
            if isinstance(holder.get(key), str):
                holder[key] = "Sure! Here is the JSON you asked for:\n" + holder[key][:-2]
            for block in wire.get("content", []) if anthropic else []:
                if block.get("type") == "text":
                    block["text"] = "Sure! Here is the JSON you asked for:\n" + block["text"][:-2]
