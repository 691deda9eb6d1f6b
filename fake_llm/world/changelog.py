"""The change log on-call reads: prompt deploys, model versions, index refreshes, config, traffic.

True causes and innocent changes sit side by side here, as they do in production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    id: str
    t_s: float
    kind: str  # prompt_deploy | model_version | index_refresh | config | traffic | docs | deploy
    summary: str
    author: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ChangeLog:
    entries: list[Change] = field(default_factory=list)
    listeners: list[Callable[[Change], None]] = field(default_factory=list)

    def add(self, change: Change) -> Change:
        if any(c.id == change.id for c in self.entries):
            raise ValueError(f"change id {change.id!r} is already in the change log")
        self.entries.append(change)
        for listener in self.listeners:
            listener(change)
        return change

    def next_id(self) -> str:
        return f"CHG-{7001 + len(self.entries)}"

    def since(self, t_s: float) -> list[Change]:
        return [c for c in self.entries if c.t_s >= t_s]
