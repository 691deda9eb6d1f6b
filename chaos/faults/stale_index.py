"""Source documents change and the index refresh fails: stale answers from changed documents only.

The "stale / outdated information: document index not updated" row. On start, facts of the
targeted topics get new values (a price change, a new policy) with new document versions and
dates; the change log shows the docs publish and, as a scheduler logs it, the refresh job's run and exit
status (never what that means for the index). The index keeps its
old snapshot, so only answers drawn from changed documents go out of date; rebuilding the index
fixes them.
"""

from __future__ import annotations

import random
import re
from typing import Any

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.falsehoods import falsify
from fake_llm.hooks import Stage
from fake_llm.world.stages import RetrievalContext


class StaleIndexParams(Params):
    topics: list[str] = Field(default_factory=lambda: ["pricing"])
    share: float = Field(0.5, gt=0, le=1)  # share of the topics' facts that change
    change_id: str | None = None
    author: str = "docs-sync"
    job: str = "index-refresh-nightly"
    job_exit_status: int | None = 1  # the refresh job's exit status in the scheduler's log; None: not logged


def _changed(value: str, rng: random.Random) -> str:
    """The new value a document publishes: another believable value of the same kind."""
    return falsify(value, rng)


class StaleIndex(Fault):
    type = "stale_index"
    stage = Stage.RETRIEVAL
    Params = StaleIndexParams
    description = "updates source documents while the index refresh fails (stale answers)"

    def on_start(self, world: Any) -> None:
        p: StaleIndexParams = self.params  # type: ignore[assignment]
        rng = random.Random(f"{self.seed}:{self.id}")
        facts = [f for f in world.kb.facts.values() if f.topic in p.topics and re.search(r"\d", f.value)]
        chosen = [f for f in facts if rng.random() < p.share] or facts[:1]
        now = world.now_s()
        for fact in chosen:
            world.kb.update_fact(fact.id, _changed(fact.value, rng), at_s=now)
        self.changed_facts = [f.id for f in chosen]
        docs = sorted({f.doc_id for f in chosen})
        world.add_change("docs", f"published new versions of: {', '.join(docs)}", author=p.author,
                         change_id=p.change_id)
        if p.job_exit_status is not None:  # what the scheduler logs: the run and its exit status, no more
            world.add_change("index_refresh", f"scheduled job {p.job}: run finished, exit status {p.job_exit_status}",
                             author="scheduler")

    def apply(self, ctx: RetrievalContext) -> None:
        """Nothing per request: the index's old snapshot is the fault."""
