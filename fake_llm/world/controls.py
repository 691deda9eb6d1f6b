"""The feature's switches: what on-call can flip during an incident."""

from __future__ import annotations

from dataclasses import dataclass, field

from fake_llm.world.index import Index
from fake_llm.world.vocabulary import FallbackMode


@dataclass
class Controls:
    index: Index
    model: str = "fd-large"
    backup_model: str = "fd-small"
    feature_on: bool = True
    fallback: FallbackMode = FallbackMode.OFF
    disclaimer: bool = False
    disabled_topics: set[str] = field(default_factory=set)
    cache: dict[str, str] = field(default_factory=dict)  # golden question id -> cached answer
    parse_retries: int = 0  # ask the model again when its answer does not parse (each attempt is billed)
