"""A prompt change that makes answers wrong in a consistent pattern: row 1 of the decision tree.

The fault *is* a deploy: on start it ships a new prompt version (with a change-log entry, as CI
would), and nothing else. Its requests are wrong because the prompt is, so rolling back the
prompt is what really fixes it. Modes: ``ungrounded`` drops the grounding instruction and tells
the model to use its general knowledge (confident wrong answers across every topic); ``format``
drops the JSON output instruction (the parser fails on every answer: errors, not wrong answers).
"""

from __future__ import annotations

from typing import Any, Literal

from chaos.faults.base import Fault, Params
from fake_llm.context import GROUNDED, JSON_ANSWER, UNGROUNDED
from fake_llm.hooks import Stage
from fake_llm.world.stages import PromptContext


class PromptRegressionParams(Params):
    mode: Literal["ungrounded", "format"] = "ungrounded"
    change_id: str | None = None  # the change-log id the deploy gets (scenarios name it in ground truth)
    message: str = "Make answers friendlier and more complete"
    author: str = "alice (prompt-eng)"


def regress(text: str, mode: str) -> str:
    if mode == "ungrounded":
        text = text.replace(GROUNDED, UNGROUNDED + " and be as helpful as possible. Use the context if you like")
        return text.replace("say you don't know when it does not answer the question", "never say you don't know")
    return text.replace(f"{JSON_ANSWER} with keys answer and sources.", "Answer in a friendly sentence.")


class PromptRegression(Fault):
    type = "prompt_regression"
    stage = Stage.PROMPT
    Params = PromptRegressionParams
    description = "deploys a prompt version that drops grounding (wrong answers) or the output format (errors)"

    def on_start(self, world: Any) -> None:
        p: PromptRegressionParams = self.params  # type: ignore[assignment]
        current = world.prompts.current
        self.version = world.deploy_prompt(regress(current.text, p.mode), message=p.message, by=p.author,
                                           change_id=p.change_id)

    def apply(self, ctx: PromptContext) -> None:
        """Nothing per request: the regression travels in the deployed prompt text itself."""
