"""The model catalogue: dated versions with behaviour profiles, and aliases that point at them.

Aliases are per ``Catalog`` instance and can be re-pointed while a server runs: that is how a
``model_change`` drill silently swaps the version behind ``fd-large``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fake_llm.errors import UnknownModel


@dataclass(frozen=True)
class ModelProfile:
    """How one dated model version behaves. Latencies are simulated drill time, before scaling."""

    version: str
    family: str
    owned_by: str = "firedrill"
    created: int = 1_756_684_800  # 2025-09-01, unix seconds
    system_fingerprint: str = "fp_fd0001"
    ttft_ms: float = 400.0
    per_token_ms: float = 12.0
    ms_per_1k_prompt_tokens: float = 60.0  # time to first token grows with the prompt
    verbosity: float = 1.0  # > 1 pads answers with related context
    price_in_per_1k: float = 0.0025
    price_out_per_1k: float = 0.01
    context_window: int = 128_000
    refusal_keywords: tuple[str, ...] = ()
    unknown_behaviour: str = "dont_know"  # "dont_know" | "fabricate" when the context has no answer
    fabrication_rate: float = 0.6  # without a grounding instruction, chance to answer from "memory"
    answer_accuracy: float = 1.0  # chance the best context sentence is the one chosen
    embedding: bool = False
    embedding_dim: int = 256

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens / 1000 * self.price_in_per_1k + output_tokens / 1000 * self.price_out_per_1k


DEFAULT_PROFILES: tuple[ModelProfile, ...] = (
    ModelProfile(version="fd-large-2026-09-01", family="fd-large", system_fingerprint="fp_fdl0901",
                 ms_per_1k_prompt_tokens=350.0),
    ModelProfile(
        version="fd-large-2026-11-15", family="fd-large", created=1_763_164_800,
        system_fingerprint="fp_fdl1115", verbosity=1.8, ttft_ms=550.0, ms_per_1k_prompt_tokens=350.0,
        refusal_keywords=("refund", "security", "password", "delete my account", "chargeback"),
        fabrication_rate=0.8, unknown_behaviour="fabricate",
    ),
    ModelProfile(
        version="fd-small-2026-08-01", family="fd-small", created=1_754_006_400,
        system_fingerprint="fp_fds0801", ttft_ms=200.0, per_token_ms=6.0,
        ms_per_1k_prompt_tokens=25.0, price_in_per_1k=0.00015, price_out_per_1k=0.0006,
        context_window=32_000, answer_accuracy=0.93, verbosity=0.8,
    ),
    ModelProfile(
        version="fd-embed-1", family="fd-embed", system_fingerprint="fp_fde1", ttft_ms=30.0,
        per_token_ms=0.0, price_in_per_1k=0.00002, price_out_per_1k=0.0, embedding=True,
    ),
)

DEFAULT_ALIASES: dict[str, str] = {
    "fd-large": "fd-large-2026-09-01",
    "fd-small": "fd-small-2026-08-01",
    "fd-embed": "fd-embed-1",
    # familiar names, so an unmodified app configured for a real provider works as it is
    "gpt-4o": "fd-large-2026-09-01",
    "gpt-4.1": "fd-large-2026-09-01",
    "gpt-4o-mini": "fd-small-2026-08-01",
    "gpt-4.1-mini": "fd-small-2026-08-01",
    "text-embedding-3-small": "fd-embed-1",
    "claude-sonnet-4-5": "fd-large-2026-09-01",
    "claude-3-5-haiku-latest": "fd-small-2026-08-01",
}


@dataclass
class Catalog:
    profiles: dict[str, ModelProfile] = field(
        default_factory=lambda: {p.version: p for p in DEFAULT_PROFILES}
    )
    aliases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ALIASES))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def resolve(self, name: str) -> ModelProfile:
        """The profile behind a dated version or an alias; UnknownModel otherwise."""
        version = self.aliases.get(name, name)
        try:
            return self.profiles[version]
        except KeyError:
            raise UnknownModel(name) from None

    def repoint(self, alias: str, version: str) -> str:
        """Point ``alias`` at another dated version; returns the version it pointed at before."""
        if version not in self.profiles:
            raise UnknownModel(version)
        with self._lock:
            before = self.aliases.get(alias, "")
            self.aliases[alias] = version
        return before

    def names(self) -> list[str]:
        return sorted({*self.profiles, *self.aliases})
