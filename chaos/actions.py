"""Responder actions applied to a world: the one mapping from the runbook's controls to the world's.

Used by the live drill and by eval verification, which replays a drill's actions to rebuild the
world as it was at any moment.
"""

from __future__ import annotations

from collections.abc import Callable

from chaos.taxonomy import Action
from fake_llm.world.world import World


def apply_action(world: World, action: Action, arg: str | None, *, by: str) -> str:
    """Do ``action`` to ``world``; returns what happened. Raises FakeLLMError on a bad argument."""
    controls: dict[Action, Callable[[], str]] = {
        Action.ACK: lambda: "acknowledged",
        Action.FEATURE_OFF: lambda: world.set_feature(False, by=by),
        Action.FEATURE_ON: lambda: world.set_feature(True, by=by),
        Action.FALLBACK: lambda: world.set_fallback(arg or "", by=by),
        Action.PROMPT_ROLLBACK: lambda: world.rollback_prompt(arg, by=by),
        Action.MODEL_USE: lambda: world.use_model(arg or "", by=by),
        Action.INDEX_REBUILD: lambda: world.rebuild_index(by=by),
        Action.TOPIC_DISABLE: lambda: world.set_topic(arg or "", False, by=by),
        Action.TOPIC_ENABLE: lambda: world.set_topic(arg or "", True, by=by),
        Action.DISCLAIMER_ON: lambda: world.set_disclaimer(True, by=by),
        Action.DISCLAIMER_OFF: lambda: world.set_disclaimer(False, by=by),
    }
    return controls[action]()
