"""A prompt change that makes answers wrong in a consistent pattern: row 1 of the decision tree.

The fault *is* a deploy: on start it ships a new prompt version (with a change-log entry, as CI
would), and nothing else. Its requests are wrong because the prompt is, so rolling back the
prompt is what really fixes it. Modes: ``ungrounded`` drops the grounding instruction and tells
the model to use its general knowledge (confident wrong answers across every topic); ``format``
drops the JSON output instruction (the parser fails on every answer: errors, not wrong answers).

Targeted at topics or segments, the new version carries an instruction for those questions only
("for refunds questions, …"): it regresses the targeted requests, and only while that version is
the one serving, so a rollback ends it as it would in production.
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


def scoped_instruction(topics: list[str], segments: list[str], mode: str) -> str:
    """The line a scoped prompt change adds, in words a prompt engineer writes (no model directive in it)."""
    who = " and ".join(filter(None, [", ".join(topics) and f"{', '.join(topics)} questions",
                                     ", ".join(segments) and f"{', '.join(segments)} customers"]))
    if mode == "format":
        return f"For {who}, reply in a warm, friendly sentence."
    return f"For {who}, be as complete and reassuring as possible and never send the customer away."


class PromptRegression(Fault):
    type = "prompt_regression"
    stage = Stage.PROMPT
    Params = PromptRegressionParams
    description = "deploys a prompt version that drops grounding (wrong answers) or the output format (errors)"

    @property
    def scoped(self) -> bool:
        return bool(self.target.topics or self.target.segments)

    def on_start(self, world: Any) -> None:
        p: PromptRegressionParams = self.params  # type: ignore[assignment]
        current = world.prompts.current.text
        text = (f"{current}\n{scoped_instruction(self.target.topics, self.target.segments, p.mode)}" if self.scoped
                else regress(current, p.mode))
        self.version = world.deploy_prompt(text, message=p.message, by=p.author, change_id=p.change_id)

    def apply(self, ctx: PromptContext) -> None:
        """Unscoped, nothing per request: the regression travels in the deployed text. Scoped, the targeted
        requests read the new line as the model would, while that version serves."""
        if self.scoped and ctx.prompt_version == getattr(self, "version", None):
            ctx.system = regress(ctx.system, self.params.mode)  # type: ignore[attr-defined]
