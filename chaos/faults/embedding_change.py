"""A silent embedding-model change: the provider re-points its embedding alias to a new snapshot.

Queries are now embedded by a model the index was not built with, so retrieval finds chunks about
something else for a share of them: the "wrong answers, random subset" row with nothing in the
change log. Every trace's retrieval span shows the query's embedding model beside the index's (the
honest clue); rebuilding the index re-embeds it with the new model and ends the fault's effect.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chaos.faults.base import Fault, Params
from chaos.faults.model_change import register_snapshot
from fake_llm.hooks import Stage
from fake_llm.world.stages import RetrievalContext


class EmbeddingChangeParams(Params):
    alias: str = "fd-embed"
    to_version: str = Field("fd-embed-2", pattern=r"^[a-z0-9][a-z0-9.-]*$")
    behaves_like: str = "fd-embed-1"
    miss_share: float = Field(0.5, gt=0, le=1)  # share of queries whose new embedding lands elsewhere


class EmbeddingChange(Fault):
    type = "embedding_change"
    stage = Stage.RETRIEVAL
    Params = EmbeddingChangeParams
    description = "re-points the embedding alias: queries no longer match the index built with the old model"

    def on_start(self, world: Any) -> None:
        p: EmbeddingChangeParams = self.params  # type: ignore[assignment]
        register_snapshot(world.catalog, p.to_version, p.behaves_like)
        self._before = world.catalog.repoint(p.alias, p.to_version)
        self._catalog = world.catalog

    def on_stop(self, world: Any) -> None:
        p: EmbeddingChangeParams = self.params  # type: ignore[assignment]
        if getattr(self, "_before", None):
            world.catalog.repoint(p.alias, self._before)

    def apply(self, ctx: RetrievalContext) -> None:
        p: EmbeddingChangeParams = self.params  # type: ignore[assignment]
        ctx.embedding_model = p.to_version
        if ctx.index.embedding_model == p.to_version:
            return  # the index was rebuilt with the new model: queries match it again
        rng = self.rng(ctx.info)
        if rng.random() >= p.miss_share:
            return
        relevant = {c.id for c in ctx.chunks}
        pool = [c for c in rng.sample(ctx.index.chunks, min(len(ctx.index.chunks), ctx.k * 4)) if c.id not in relevant]
        ctx.chunks = pool[: ctx.k]
