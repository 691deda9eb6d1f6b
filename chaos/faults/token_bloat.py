"""Runaway verbosity and inflated usage: the cost-anomaly row."""

from __future__ import annotations

from pydantic import Field

from chaos.faults.answer_text import edit_answer
from chaos.faults.base import Fault, Params
from fake_llm.hooks import Exchange, Stage

_FILLER = (" To elaborate further on this point, it is worth restating the above in more detail, considering"
           " every aspect of the question and its context once again.")


class TokenBloatParams(Params):
    output_multiplier: float = Field(6.0, ge=1, le=100)
    input_multiplier: float = Field(1.0, ge=1, le=100)


class TokenBloat(Fault):
    type = "token_bloat"
    stage = Stage.GENERATION
    Params = TokenBloatParams
    description = "pads answers and inflates token usage (a cost anomaly)"

    def apply(self, ctx: Exchange) -> None:
        p: TokenBloatParams = self.params  # type: ignore[assignment]
        reply = ctx.reply
        if reply is None or reply.tool_calls:
            return
        target = int(reply.output_tokens * p.output_multiplier)
        repeats = max(1, (target - reply.output_tokens) // 30)
        edit_answer(reply, lambda text: text + _FILLER * repeats)
        reply.output_tokens = max(reply.output_tokens, target)
        reply.input_tokens = int(reply.input_tokens * p.input_multiplier)
