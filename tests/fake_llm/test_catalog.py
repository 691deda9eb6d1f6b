"""The model catalogue: shipped YAML, real names and dated snapshots, a user's file over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_llm.catalog import Catalog, load
from fake_llm.errors import CatalogError, UnknownModel

SNAPSHOT_OF = {
    "gpt-4o": "gpt-4o-2024-08-06", "gpt-4o-2024-11-20": "gpt-4o-2024-11-20", "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4.1": "gpt-4.1-2025-04-14", "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14", "gpt-3.5-turbo": "gpt-3.5-turbo-0125",
    "gpt-4-turbo": "gpt-4-turbo-2024-04-09", "chatgpt-4o-latest": "chatgpt-4o-latest", "o1": "o1-2024-12-17",
    "o3": "o3-2025-04-16", "o3-mini": "o3-mini-2025-01-31", "o4-mini": "o4-mini-2025-04-16",
    "gpt-5": "gpt-5-2025-08-07", "gpt-5-mini": "gpt-5-mini-2025-08-07", "gpt-5-nano": "gpt-5-nano-2025-08-07",
    "claude-sonnet-4-5": "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929": "claude-sonnet-4-5-20250929",
    "claude-opus-4-1": "claude-opus-4-1-20250805", "claude-haiku-4-5": "claude-haiku-4-5-20251001",
    "claude-3-7-sonnet-latest": "claude-3-7-sonnet-20250219", "claude-3-5-haiku-latest": "claude-3-5-haiku-20241022",
    "fd-large": "fd-large-2026-09-01", "fd-small": "fd-small-2026-08-01", "fd-embed": "fd-embed-1",
}


@pytest.mark.parametrize(("name", "snapshot"), SNAPSHOT_OF.items())
def test_real_names_resolve_to_their_dated_snapshot(name: str, snapshot: str) -> None:
    assert Catalog().resolve(name).version == snapshot


def test_kinds_windows_and_embedding_sizes_come_from_the_catalogue() -> None:
    c = Catalog()
    assert c.resolve("o3-mini").reasoning and c.resolve("gpt-5").kind == "reasoning"
    assert not c.resolve("gpt-4o").reasoning and c.resolve("gpt-4o").context_window == 128_000
    assert c.resolve("gpt-4.1").context_window == 1_047_576 and c.resolve("gpt-3.5-turbo").context_window == 16_385
    dims = {n: (c.resolve(n).embedding_dim, c.resolve(n).dimensions_param)
            for n in ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002")}
    assert dims == {"text-embedding-3-small": (1536, True), "text-embedding-3-large": (3072, True),
                    "text-embedding-ada-002": (1536, False)}
    assert c.resolve("claude-opus-4-1").provider == "anthropic" and c.resolve("gpt-4o").owned_by == "system"


@pytest.mark.parametrize("name", ["gpt-9", "gpt-4o-2099-01-01", "claude-sonnet-4-5-20990101", "GPT-4O", ""])
def test_unknown_names_are_unknown(name: str) -> None:
    with pytest.raises(UnknownModel):
        Catalog().resolve(name)


def test_the_drill_can_still_repoint_its_alias() -> None:
    c = Catalog()
    assert c.repoint("fd-large", "fd-large-2026-11-15") == "fd-large-2026-09-01"
    assert c.resolve("fd-large").verbosity == 1.8 and Catalog().resolve("fd-large").verbosity == 1.0


def test_a_users_file_adds_and_replaces_families(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(
        "profiles:\n  slow: {ttft_ms: 3000}\n"
        "families:\n"
        "  - {family: acme-chat, provider: openai, kind: chat, profile: slow, context_window: 4096,\n"
        "     snapshots: [acme-chat-2026-01-01], patterns: ['acme-chat-\\d{4}-\\d{2}-\\d{2}']}\n"
        "  - {family: gpt-4o, provider: openai, kind: chat, snapshots: [gpt-4o-2024-11-20]}\n")
    c = Catalog.from_file(path)
    assert c.resolve("acme-chat").version == "acme-chat-2026-01-01" and c.resolve("acme-chat").ttft_ms == 3000
    assert c.resolve("acme-chat-2027-05-05").version == "acme-chat-2027-05-05"  # a pattern's dated name
    assert c.resolve("gpt-4o").version == "gpt-4o-2024-11-20"
    with pytest.raises(UnknownModel):
        c.resolve("gpt-4o-2024-08-06")  # the family was replaced
    assert c.resolve("claude-haiku-4-5").version == "claude-haiku-4-5-20251001"  # the rest is kept


def test_the_environment_names_the_users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("replace: true\nfamilies:\n  - {family: only-me, kind: chat}\n")
    monkeypatch.setenv("FIREDRILL_MODELS", str(path))
    assert Catalog().names() == ["only-me"]


@pytest.mark.parametrize(("text", "message"), [
    ("families:\n  - {family: x, kind: chat, tempo: 3}\n", "families\\[0\\]: unknown setting 'tempo'"),
    ("families:\n  - {family: x, profile: nope}\n", "unknown profile 'nope'"),
    ("families:\n  - {family: x, kind: vision}\n", "kind 'vision'"),
    ("families: [oops\n", "not valid YAML"),
])
def test_a_bad_file_says_where_and_what(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message) as err:
        load(path)
    assert str(path) in str(err.value)
