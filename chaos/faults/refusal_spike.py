"""Refusals on matched topics after a model safety update: the "increased refusals" row."""

from __future__ import annotations

from typing import Any

from chaos.faults.refusal import Refusal, RefusalParams


class RefusalSpikeParams(RefusalParams):
    change_id: str | None = None
    change_summary: str | None = None  # a change-log entry the fault writes on start (none by default)


class RefusalSpike(Refusal):
    type = "refusal_spike"
    Params = RefusalSpikeParams
    description = "makes the model refuse questions on the targeted topics (a safety update)"

    def on_start(self, world: Any) -> None:
        p: RefusalSpikeParams = self.params  # type: ignore[assignment]
        if p.change_summary:
            world.add_change("model_version", p.change_summary, author="provider", change_id=p.change_id)
