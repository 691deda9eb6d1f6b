"""The model catalogue: dated snapshots with behaviour profiles, and the names that point at them.

The catalogue is data (``fake_llm/data/models.yaml``, shipped in the package; a user's file
overrides it): OpenAI and Anthropic families with their dated snapshots, context windows, output
limits and embedding sizes, each mapped to a behaviour profile, plus the drill world's own
``fd-*`` models. A family name (``gpt-4o``) is an alias of its default snapshot
(``gpt-4o-2024-08-06``), which is what ``response.model`` says.

Aliases are per ``Catalog`` instance and can be re-pointed while a server runs: that is how a
``model_change`` drill silently swaps the version behind ``fd-large``.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fake_llm.errors import CatalogError, UnknownModel

CATALOG_ENV = "FIREDRILL_MODELS"  # path of a user's catalogue file, read by Catalog()
KINDS = ("chat", "reasoning", "embedding", "completion", "moderation")
CHAT_KINDS = ("chat", "reasoning")  # the kinds /v1/chat/completions serves: what a chat feature can be routed to


@dataclass(frozen=True)
class ModelProfile:
    """How one dated model version behaves. Latencies are simulated drill time, before scaling."""

    version: str
    family: str
    owned_by: str = "firedrill"
    provider: str = "firedrill"  # openai | anthropic | firedrill
    kind: str = "chat"  # chat | reasoning | embedding | completion (legacy /v1/completions) | moderation
    created: int = 1_756_684_800  # 2025-09-01, unix seconds
    system_fingerprint: str = "fp_fd0001"
    ttft_ms: float = 400.0
    per_token_ms: float = 12.0
    ms_per_1k_prompt_tokens: float = 60.0  # time to first token grows with the prompt
    verbosity: float = 1.0  # > 1 pads answers with related context
    price_in_per_1k: float = 0.0025
    price_out_per_1k: float = 0.01
    context_window: int = 128_000
    max_output_tokens: int | None = None  # the most a reply can hold; longer output ends with "length"
    refusal_keywords: tuple[str, ...] = ()
    unknown_behaviour: str = "dont_know"  # "dont_know" | "fabricate" when the context has no answer
    fabrication_rate: float = 0.6  # without a grounding instruction, chance to answer from "memory"
    answer_accuracy: float = 1.0  # chance the best context sentence is the one chosen
    reasoning: bool = False  # spends hidden reasoning tokens (o-series, gpt-5)
    reasoning_tokens_base: int = 0
    embedding: bool = False
    embedding_dim: int = 256
    dimensions_param: bool = False  # accepts `dimensions` (text-embedding-3-*): shorter vectors on request
    omni: bool = False  # a moderation model that scores images and the illicit categories (omni-moderation-*)
    echo_logprobs: bool = True  # legacy completions: scores an echoed prompt (gpt-3.5-turbo-instruct does not)
    one_sampling_param: bool = False  # takes temperature or top_p, not both (Claude from opus-4-1 on)

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens / 1000 * self.price_in_per_1k + output_tokens / 1000 * self.price_out_per_1k


_FIELDS = {f.name: f for f in fields(ModelProfile)}
_ENTRY_KEYS = {"family", "snapshots", "default", "aliases", "patterns", "profile"}
_OWNER = {"openai": "system", "anthropic": "anthropic", "firedrill": "firedrill"}


@dataclass(frozen=True)
class CatalogData:
    """A parsed catalogue: profiles by snapshot, aliases, and patterns of further dated names."""

    profiles: dict[str, ModelProfile]
    aliases: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]  # (dated-name regex, snapshot whose behaviour it has)


def _fingerprint(name: str) -> str:
    return "fp_" + hashlib.blake2b(name.encode(), digest_size=5).hexdigest()


def _settings(raw: dict[str, Any], where: str) -> dict[str, Any]:
    out = {}
    for key, value in raw.items():
        if key in _ENTRY_KEYS or key == "name":
            continue
        if key not in _FIELDS or key in ("version", "family"):
            known = ", ".join(sorted(k for k in _FIELDS if k not in ("version", "family")))
            raise CatalogError(f"{where}: unknown setting {key!r}; known: {known}")
        out[key] = tuple(value) if isinstance(value, list) else value
    return out


def parse(doc: Any, source: str, base: CatalogData | None = None) -> CatalogData:
    """A catalogue from a YAML document; families in ``doc`` replace same-named ones of ``base``."""
    if not isinstance(doc, dict):
        raise CatalogError(f"{source}: expected a mapping with 'profiles' and 'families'")
    named_profiles = doc.get("profiles") or {}
    if not isinstance(named_profiles, dict):
        raise CatalogError(f"{source}: 'profiles' must be a mapping of name -> settings")
    behaviours = {name: _settings(v or {}, f"{source}: profile {name!r}") for name, v in named_profiles.items()}
    families = doc.get("families") or []
    if not isinstance(families, list):
        raise CatalogError(f"{source}: 'families' must be a list")
    keep_base = base is not None and not doc.get("replace")
    profiles = dict(base.profiles) if keep_base and base else {}
    aliases = dict(base.aliases) if keep_base and base else {}
    patterns = list(base.patterns) if keep_base and base else []
    for i, entry in enumerate(families):
        where = f"{source}: families[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("family"), str):
            raise CatalogError(f"{where}: each family needs a 'family' name")
        family = entry["family"]
        # a family defined again replaces the old one: drop its snapshots, names and patterns
        gone = {v for v, p in profiles.items() if p.family == family}
        profiles = {v: p for v, p in profiles.items() if v not in gone}
        aliases = {a: v for a, v in aliases.items() if v not in gone}
        patterns = [(rx, v) for rx, v in patterns if v not in gone]
        common = _behaviour(entry, behaviours, where)
        snapshots = entry.get("snapshots") or [family]
        if not isinstance(snapshots, list):
            raise CatalogError(f"{where}: 'snapshots' must be a list")
        names = []
        for j, snap in enumerate(snapshots):
            snap = {"name": snap} if isinstance(snap, str) else snap
            if not isinstance(snap, dict) or not isinstance(snap.get("name"), str):
                raise CatalogError(f"{where}.snapshots[{j}]: expected a name or a mapping with 'name'")
            settings = {**common, **_behaviour(snap, behaviours, f"{where}.snapshots[{j}]")}
            settings.setdefault("system_fingerprint", _fingerprint(snap["name"]))
            settings.setdefault("owned_by", _OWNER.get(str(settings.get("provider", "firedrill")), "system"))
            if settings.get("kind") == "embedding":
                settings["embedding"] = True
            try:
                profiles[snap["name"]] = ModelProfile(version=snap["name"], family=family, **settings)
            except TypeError as exc:
                raise CatalogError(f"{where}.snapshots[{j}]: {exc}") from None
            names.append(snap["name"])
        default = entry.get("default", names[0])
        if default not in names:
            raise CatalogError(f"{where}: default {default!r} is not one of its snapshots: {', '.join(names)}")
        for alias in [family, *(entry.get("aliases") or [])]:
            if alias not in names:
                aliases[str(alias)] = default
        for pattern in entry.get("patterns") or []:
            try:
                patterns.append((re.compile(str(pattern)), default))
            except re.error as exc:
                raise CatalogError(f"{where}: pattern {pattern!r} is not a regular expression: {exc}") from None
    for name, kind in ((n, p.kind) for n, p in profiles.items()):
        if kind not in KINDS:
            raise CatalogError(f"{source}: model {name!r} has kind {kind!r}; expected one of {', '.join(KINDS)}")
    return CatalogData(profiles, aliases, tuple(patterns))


def _behaviour(entry: dict[str, Any], behaviours: dict[str, dict[str, Any]], where: str) -> dict[str, Any]:
    named = entry.get("profile")
    if named is not None and named not in behaviours:
        raise CatalogError(f"{where}: unknown profile {named!r}; known: {', '.join(sorted(behaviours))}")
    return {**(behaviours.get(named, {}) if named else {}), **_settings(entry, where)}


@lru_cache(maxsize=1)
def shipped() -> CatalogData:
    """The catalogue shipped in the package (parsed once per process)."""
    text = resources.files("fake_llm").joinpath("data/models.yaml").read_text(encoding="utf-8")
    return parse(yaml.safe_load(text), "fake_llm/data/models.yaml")


@lru_cache(maxsize=8)
def _load_file(path: str, mtime_ns: int) -> CatalogData:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the model catalogue: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    return parse(doc, path, shipped())


def load(path: str | os.PathLike[str] | None = None) -> CatalogData:
    """The shipped catalogue, overridden by ``path`` (or the file named by $FIREDRILL_MODELS)."""
    chosen = path if path is not None else os.environ.get(CATALOG_ENV) or None
    if chosen is None:
        return shipped()
    resolved = Path(chosen).expanduser()
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError:
        raise CatalogError(f"{resolved}: model catalogue file not found") from None
    return _load_file(str(resolved), mtime)


def _default_data() -> CatalogData:
    return load()


@dataclass
class Catalog:
    profiles: dict[str, ModelProfile] = field(default_factory=lambda: dict(_default_data().profiles))
    aliases: dict[str, str] = field(default_factory=lambda: dict(_default_data().aliases))
    patterns: tuple[tuple[re.Pattern[str], str], ...] = field(default_factory=lambda: _default_data().patterns)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str] | None) -> Catalog:
        """The shipped catalogue with a user's file over it (``firedrill serve --models FILE``)."""
        data = load(path)
        return cls(profiles=dict(data.profiles), aliases=dict(data.aliases), patterns=data.patterns)

    def resolve(self, name: str) -> ModelProfile:
        """The profile behind a dated version or an alias; UnknownModel otherwise."""
        version = self.aliases.get(name, name)
        profile = self.profiles.get(version)
        if profile is not None:
            return profile
        for pattern, like in self.patterns:
            if pattern.fullmatch(name) and like in self.profiles:
                base = self.profiles[like]
                return replace(base, version=name, system_fingerprint=_fingerprint(name))
        raise UnknownModel(name)

    def repoint(self, alias: str, version: str) -> str:
        """Point ``alias`` at another dated version; returns the version it pointed at before."""
        if version not in self.profiles:
            raise UnknownModel(version)
        with self._lock:
            before = self.aliases.get(alias, "")
            self.aliases[alias] = version
        return before

    def names(self, provider: str | None = None) -> list[str]:
        """Every name a client may ask for (aliases and snapshots); only one provider's if given."""
        everything = sorted({*self.profiles, *self.aliases})
        if provider is None:
            return everything
        return [n for n in everything if self.resolve(n).provider in (provider, "firedrill")]


DEFAULT_PROFILES: tuple[ModelProfile, ...] = tuple(shipped().profiles.values())
DEFAULT_ALIASES: dict[str, str] = dict(shipped().aliases)
