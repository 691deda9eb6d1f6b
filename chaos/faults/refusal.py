"""The model refuses: the "increased refusals: model safety update or prompt trigger" row."""

from __future__ import annotations

from typing import Literal

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage
from fake_llm.tokens import count_tokens
from fake_llm.types import AnswerSource, FinishReason


class RefusalParams(Params):
    style: Literal["field", "text"] = "field"  # the OpenAI refusal field, or refusal words as the answer
    message: str = "I'm sorry, but I can't help with that request."


class Refusal(Fault):
    type = "refusal"
    stage = Stage.GENERATION
    Params = RefusalParams
    description = "makes the model refuse matching requests"

    def apply(self, ctx: Exchange) -> None:
        p: RefusalParams = self.params  # type: ignore[assignment]
        reply = ctx.reply
        if reply is None or reply.tool_calls:
            return
        if p.style == "field":
            reply.refusal, reply.text, reply.finish_reason = p.message, "", FinishReason.REFUSAL
        else:
            reply.text, reply.finish_reason = p.message, FinishReason.STOP
        reply.source = AnswerSource.REFUSED
        reply.cited = []
        reply.output_tokens = count_tokens(p.message)
