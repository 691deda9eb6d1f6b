"""Shared helpers for chaos tests: a passage and a one-line question, the CLI in-process, a live drill."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openai

from chaos.cli import main
from chaos.eventlog import EventLog
from chaos.live import LiveDrill, start_live_drill
from chaos.loader import load_scenario

PASSAGE = "[doc:plans-3 updated:2026-10-01] The Pro plan costs $49 per month. Refunds are issued within 14 days."


def ask(client: openai.OpenAI, question: str = "How much does the Pro plan cost?", **kwargs: object) -> str:
    r = client.chat.completions.create(model=kwargs.pop("model", "fd-large"),  # type: ignore[call-overload]
                                       messages=[{"role": "system", "content": PASSAGE},
                                                 {"role": "user", "content": question}], **kwargs)
    return r.choices[0].message.content or r.choices[0].message.refusal or ""


def cli(*argv: str) -> int:
    """Run the ``firedrill`` CLI in-process as a user would, returning its exit code."""
    try:
        main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@contextmanager
def onboarding_drill(journal: Path, *, speed: float, responder_token: str | None = None,
                     facilitator_token: str | None = None) -> Iterator[LiveDrill]:
    """A live onboarding drill on an ephemeral loopback port, stopped however the test ends."""
    drill = start_live_drill(load_scenario("onboarding"), log=EventLog(journal), speed=speed,
                             responder_token=responder_token, facilitator_token=facilitator_token)
    try:
        yield drill
    finally:
        drill.stop()
