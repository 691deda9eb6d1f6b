"""More and longer chunks per request: latency and cost climb while quality holds."""

from __future__ import annotations

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Stage
from fake_llm.world.stages import RetrievalContext


class ContextGrowthParams(Params):
    extra_chunks: int = Field(12, ge=0, le=200)
    repeat: int = Field(3, ge=1, le=20)  # each extra chunk's text repeated, as bloated documents are


class ContextGrowth(Fault):
    type = "context_growth"
    stage = Stage.RETRIEVAL
    Params = ContextGrowthParams
    description = "adds many long chunks to every prompt (context length, latency and cost grow)"

    def apply(self, ctx: RetrievalContext) -> None:
        from fake_llm.world.index import Chunk

        p: ContextGrowthParams = self.params  # type: ignore[assignment]
        rng = self.rng(ctx.info)
        filler = [c for c in ctx.index.chunks if "/p" in c.id]
        extra = rng.sample(filler, min(len(filler), p.extra_chunks))
        ctx.chunks = ctx.chunks + [Chunk(c.id, c.doc_id, " ".join([c.text] * p.repeat), c.updated_at_s) for c in extra]
