"""Broken streams: cut short, missing their terminator, a malformed chunk, an error chunk, a drop.

Mid-stream failures are never retried by the SDKs, which is exactly why they are worth drilling.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Flavour, Frame, Stage
from fake_llm.wire.common import dumps


class StreamErrorParams(Params):
    kind: Literal["truncated_stream", "no_terminator", "malformed_chunk", "error_chunk", "drop_mid_stream"] = (
        "truncated_stream")
    at_fraction: float = Field(0.5, ge=0, le=1)  # where in the stream it breaks


class StreamError(Fault):
    type = "stream_error"
    stage = Stage.STREAM
    Params = StreamErrorParams
    description = "truncates or corrupts a streamed reply, or drops the connection mid-stream"

    def apply(self, ctx: Exchange) -> None:
        p: StreamErrorParams = self.params  # type: ignore[assignment]
        frames = ctx.frames
        if not frames:
            return
        cut = max(1, min(len(frames) - 1, int(len(frames) * p.at_fraction)))
        anthropic = ctx.info.flavour is Flavour.ANTHROPIC
        if p.kind == "truncated_stream":
            del frames[cut:]
        elif p.kind == "no_terminator":
            frames.pop()
        elif p.kind == "malformed_chunk":
            frames[cut] = Frame(b'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": "\n\n')
        elif p.kind == "error_chunk":
            error = {"type": "overloaded_error" if anthropic else "server_error",
                     "message": "The server had an error while streaming the response."}
            if anthropic:
                frames[cut:] = [Frame(b"event: error\ndata: " + dumps({"type": "error", "error": error}) + b"\n\n")]
            else:
                frames[cut:] = [Frame(b"data: " + dumps({"error": {**error, "param": None, "code": None}}) + b"\n\n")]
        else:
            frames[cut:] = [Frame(b"", drop_connection=True)]
