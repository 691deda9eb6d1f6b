"""The console's controls and pickers: what each button does, said before it is done.

Every control has a confirmation that says, in the runbook's words, what will happen to users,
so nobody flips the kill switch by accident. The pickers list what on-call's own tools would
list: the provider's models, the prompt registry's versions, the knowledge base's topics, the
user segments, the change log. Nothing here is ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaos.taxonomy import Action, Cause, FallbackMode, Symptom

if TYPE_CHECKING:
    from chaos.drill import Drill


@dataclass(frozen=True)
class Control:
    """One button (or picker + button) on the controls panel."""

    action: Action
    label: str
    confirm: str  # what it will do; ``{arg}`` is the picked value
    picker: str | None = None  # which list the argument comes from, if it takes one
    optional_arg: bool = False
    danger: bool = False


CONTROLS: tuple[Control, ...] = (
    Control(Action.ACK, "Acknowledge the page",
            "Acknowledge the page: the team is on it. Users are not affected."),
    Control(Action.FEATURE_OFF, "Kill switch: feature off",
            "Turn the AI feature OFF for every user. They get 'temporarily unavailable' until someone turns it "
            "back on. No more wrong answers, but no answers either.", danger=True),
    Control(Action.FEATURE_ON, "Feature back on",
            "Turn the AI feature back ON for every user. Make sure the cause is fixed first."),
    Control(Action.FALLBACK, "Route to fallback",
            "Route every answer to the fallback '{arg}' (off = back to the live model).", picker="fallbacks"),
    Control(Action.PROMPT_ROLLBACK, "Roll back the prompt",
            "Roll the system prompt back to {arg} for every new request.", picker="prompts", optional_arg=True),
    Control(Action.MODEL_USE, "Route to model",
            "Send every request to the model '{arg}' from now on.", picker="models"),
    Control(Action.TOPIC_DISABLE, "Disable a topic",
            "Stop answering questions on the topic '{arg}': those users get 'not available for this topic'.",
            picker="topics"),
    Control(Action.TOPIC_ENABLE, "Enable a topic",
            "Answer questions on the topic '{arg}' again.", picker="topics"),
    Control(Action.INDEX_REBUILD, "Rebuild the index",
            "Rebuild the document index from the current documents. Answers use the new index as soon as it "
            "is built."),
    Control(Action.DISCLAIMER_ON, "Add disclaimer",
            "Add a disclaimer ('answers may be inaccurate; check the source') to every answer."),
    Control(Action.DISCLAIMER_OFF, "Remove disclaimer", "Remove the disclaimer from answers."),
)


def options(drill: Drill) -> dict[str, list[str]]:
    """The values the console's pickers and trace filters offer, as on-call's tools list them."""
    world = drill.world
    with drill.lock:
        listed = world.chat_models()  # what the feature can be routed to, not every model the provider lists
        first = [m for m in (world.controls.model, drill.scenario.world.backup_model) if m in listed]
        models = list(dict.fromkeys([*first, *sorted(listed)]))  # the model in use and the backup, then the rest
        prompts = list(world.prompts.versions)
        topics = sorted({q.topic for q in world.kb.golden} | set(world.controls.disabled_topics))
    return {
        "fallbacks": [m.value for m in FallbackMode],
        "models": models,
        "prompts": prompts,
        "topics": topics,
        "segments": [s.name for s in drill.scenario.world.segments],
        "symptoms": [s.value for s in Symptom],
        "causes": [c.value for c in Cause],
    }


def prompt_choices(prompts: list[str]) -> list[dict[str, Any]]:
    """Rollback targets: the previous version by default, or any named one."""
    return [{"value": "", "label": "the previous version"}, *({"value": p, "label": p} for p in prompts)]
