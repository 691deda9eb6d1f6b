"""``firedrill serve``: the fake LLM provider on loopback."""

from __future__ import annotations

from chaos.cli import cli  # noqa: F401  (commands are added by the provider issue)
