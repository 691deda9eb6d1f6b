"""Questions on a topic the knowledge base does not cover start arriving; the model invents answers.

The "hallucinations on specific topics: training data gap or retrieval miss" row. A TRAFFIC fault:
a share of questions switch to the uncovered topic. Retrieval finds only near misses and the
model, primed by them, answers confidently and wrongly. Disabling the topic contains it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chaos.faults.base import Fault, Params
from fake_llm.hooks import Stage
from fake_llm.world.knowledge import GoldenQuestion
from fake_llm.world.stages import TrafficContext

TEMPLATES = (  # near misses: each shares its strongest words with a fact about something else
    "How much does the {product} Salesforce integration cost per month?",
    "What is the monthly price of the {product} Slack connector?",
    "How many seats does the {plan} plan include for the Zapier integration?",
    "Where is {region} customer data hosted for the HubSpot sync?",
)


class HallucinationTopicParams(Params):
    topic: str = "integrations"
    share: float = Field(0.3, gt=0, le=1)


class HallucinationTopic(Fault):
    type = "hallucination_topic"
    stage = Stage.TRAFFIC
    Params = HallucinationTopicParams
    description = "sends questions on a topic the knowledge base lacks (the model makes answers up)"

    def on_start(self, world: Any) -> None:
        p: HallucinationTopicParams = self.params  # type: ignore[assignment]
        kb = world.kb
        texts = [t.format(product=kb.products[i % len(kb.products)], plan=kb.plans[i % len(kb.plans)],
                          region=kb.regions[i % len(kb.regions)])
                 for i in range(len(kb.products)) for t in TEMPLATES]
        questions = [GoldenQuestion(f"{p.topic}/{i}", None, p.topic, text) for i, text in enumerate(texts)]
        world.extra_questions[p.topic] = questions

    def apply(self, ctx: TrafficContext) -> None:
        p: HallucinationTopicParams = self.params  # type: ignore[assignment]
        rng = self.rng(ctx.info)
        if rng.random() < p.share and ctx.world is not None and p.topic in ctx.world.extra_questions:
            ctx.question = rng.choice(ctx.world.extra_questions[p.topic])
