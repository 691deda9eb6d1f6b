"""The sampling judge: grades a share of served answers against the golden answers, with noise.

A real LLM judge sees only a sample and is sometimes wrong; so is this one, seeded per trace so a
replayed drill gets the same verdicts. Responders see its estimate, never the truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from fake_llm.world.feature import Answer
from fake_llm.world.vocabulary import JUDGE_NOISE, JUDGE_SAMPLE_RATE


@dataclass
class Judge:
    sample_rate: float = JUDGE_SAMPLE_RATE
    noise: float = JUDGE_NOISE  # chance a verdict is flipped
    seed: int = 0

    def grade(self, answer: Answer) -> bool | None:
        """The verdict on a served answer if it falls in the sample, else None."""
        if not answer.served:
            return None
        rng = random.Random(f"judge:{self.seed}:{answer.trace_id}")
        if rng.random() >= self.sample_rate:
            return None
        return answer.correct != (rng.random() < self.noise)
