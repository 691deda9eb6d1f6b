"""More and longer chunks per request: latency and cost climb while quality holds.

With ``ramp_min`` the growth creeps instead of jumping: the extra chunks grow from none to
``extra_chunks`` over that many minutes after the fault starts, as a slowly bloating corpus does,
so the latency alert fires long after the change that started it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Stage
from fake_llm.world.stages import RetrievalContext


class ContextGrowthParams(Params):
    extra_chunks: int = Field(12, ge=0, le=200)
    repeat: int = Field(3, ge=1, le=20)  # each extra chunk's text repeated, as bloated documents are
    ramp_min: float = Field(0, ge=0, le=24 * 60)  # minutes to grow to full size (0: at once)


class ContextGrowth(Fault):
    type = "context_growth"
    stage = Stage.RETRIEVAL
    Params = ContextGrowthParams
    description = "adds many long chunks to every prompt (context length, latency and cost grow), at once or creeping"

    def on_start(self, world: Any) -> None:
        self._started_s = world.now_s()

    def _extra(self) -> int:
        p: ContextGrowthParams = self.params  # type: ignore[assignment]
        if not p.ramp_min or self.engine is None:
            return p.extra_chunks
        elapsed = self.engine.clock() - getattr(self, "_started_s", self.engine.clock())
        return round(p.extra_chunks * max(0.0, min(1.0, elapsed / (p.ramp_min * 60))))

    def apply(self, ctx: RetrievalContext) -> None:
        from fake_llm.world.index import Chunk

        p: ContextGrowthParams = self.params  # type: ignore[assignment]
        rng = self.rng(ctx.info)
        filler = [c for c in ctx.index.chunks if "/p" in c.id]
        extra = rng.sample(filler, min(len(filler), self._extra()))
        ctx.chunks = ctx.chunks + [Chunk(c.id, c.doc_id, " ".join([c.text] * p.repeat), c.updated_at_s) for c in extra]
