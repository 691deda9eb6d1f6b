"""Model names, response.model and embedding sizes as the SDKs see them."""

from __future__ import annotations

import base64
import math
import struct
import typing
from pathlib import Path

import anthropic
import openai
import pytest

from chaos.testing import FiredrillServer


@pytest.mark.parametrize(("name", "served"), [
    ("gpt-4o", "gpt-4o-2024-08-06"), ("gpt-4o-2024-11-20", "gpt-4o-2024-11-20"),
    ("gpt-3.5-turbo", "gpt-3.5-turbo-0125"), ("chatgpt-4o-latest", "chatgpt-4o-latest"),
    ("o4-mini", "o4-mini-2025-04-16"), ("gpt-5-mini", "gpt-5-mini-2025-08-07"),
])
def test_chat_answers_with_the_dated_snapshot(client: openai.OpenAI, name: str, served: str) -> None:
    r = client.chat.completions.create(model=name, messages=[{"role": "user", "content": "Hello"}])
    assert r.model == served and r.system_fingerprint and r.system_fingerprint.startswith("fp_")


def test_reasoning_models_bill_reasoning_tokens(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(model="o3-mini", messages=[{"role": "user", "content": "Hello"}])
    details = r.usage.completion_tokens_details  # type: ignore[union-attr]
    assert details is not None and details.reasoning_tokens and details.reasoning_tokens > 0
    assert r.usage.completion_tokens > details.reasoning_tokens  # type: ignore[union-attr]


def test_anthropic_answers_with_the_dated_snapshot(server: FiredrillServer) -> None:
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    m = client.messages.create(model="claude-3-7-sonnet-latest", max_tokens=50,
                               messages=[{"role": "user", "content": "Hi"}])
    assert m.model == "claude-3-7-sonnet-20250219"


def _literals(alias: object) -> list[str]:
    """The model names an SDK's type alias lists (``Union[Literal[...], str]`` and friends)."""
    out: list[str] = []
    for arg in typing.get_args(alias):
        if isinstance(arg, str):
            out.append(arg)
        elif arg is not str:
            out += _literals(arg)
    return out


def test_every_chat_and_responses_model_the_openai_sdk_names_is_served(client: openai.OpenAI) -> None:
    from openai.types.shared import ChatModel, ResponsesModel

    chat, responses = _literals(ChatModel), _literals(ResponsesModel)
    assert len(chat) > 60 and "gpt-5.4" in chat
    for name in chat:
        r = client.chat.completions.create(model=name, messages=[{"role": "user", "content": "Hello"}])
        assert r.model in chat, (name, r.model)  # itself, or a dated snapshot the SDK lists too
    for name in responses:
        assert client.responses.create(model=name, input="Hello").status == "completed", name


def test_every_model_the_anthropic_sdk_names_is_served(server: FiredrillServer) -> None:
    from anthropic.types import Model

    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    names = _literals(Model)
    assert "claude-opus-4-6" in names and "claude-sonnet-4-6" in names
    for name in names:
        m = client.messages.create(model=name, max_tokens=64, messages=[{"role": "user", "content": "Hi"}])
        assert m.model == name or m.model.startswith(name + "-"), (name, m.model)


@pytest.mark.parametrize(("name", "served"), [
    ("gpt-5.4", "gpt-5.4"), ("gpt-5.4-mini", "gpt-5.4-mini-2026-03-17"), ("gpt-5.1", "gpt-5.1-2025-11-13"),
    ("gpt-5.6-terra", "gpt-5.6-terra"), ("gpt-4-32k", "gpt-4-32k-0613"), ("gpt-3.5-turbo-16k", "gpt-3.5-turbo-16k"),
])
def test_new_and_legacy_names_answer_as_the_api_does(client: openai.OpenAI, name: str, served: str) -> None:
    r = client.chat.completions.create(model=name, messages=[{"role": "user", "content": "Hello"}])
    assert r.model == served


@pytest.mark.parametrize("name", ["gpt-4o-2099-01-01", "gpt-5.9", "gpt-5.4-ultra", "gpt-5.6-mars", "not-a-real-model"])
def test_unknown_model_is_404_model_not_found(client: openai.OpenAI, name: str) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model=name, messages=[{"role": "user", "content": "hi"}])
    assert err.value.code == "model_not_found"


@pytest.mark.parametrize("name", ["text-embedding-3-small", "text-embedding-ada-002", "omni-moderation-latest"])
def test_a_model_that_is_not_for_chat_is_a_404_on_chat_and_responses(client: openai.OpenAI, name: str) -> None:
    with pytest.raises(openai.NotFoundError, match="This is not a chat model") as err:
        client.chat.completions.create(model=name, messages=[{"role": "user", "content": "hi"}])
    assert err.value.param == "model"
    with pytest.raises(openai.NotFoundError, match="This is not a chat model"):
        client.responses.create(model=name, input="hi")


@pytest.mark.parametrize("name", ["claude-opus-4-9", "claude-sonnet-6", "claude-fable-5-3", "claude-2.1"])
def test_unknown_anthropic_model_is_404_in_its_words(server: FiredrillServer, name: str) -> None:
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    with pytest.raises(anthropic.NotFoundError) as err:
        client.messages.create(model=name, max_tokens=10, messages=[{"role": "user", "content": "Hi"}])
    assert err.value.body["error"] == {"type": "not_found_error", "message": f"model: {name}"}  # type: ignore[index]


@pytest.mark.parametrize(("model", "size"), [("text-embedding-3-small", 1536), ("text-embedding-3-large", 3072),
                                             ("text-embedding-ada-002", 1536)])
def test_embeddings_have_the_models_size(client: openai.OpenAI, model: str, size: int) -> None:
    r = client.embeddings.create(model=model, input=["refund policy"])  # the SDK asks for base64
    vec = r.data[0].embedding
    assert len(vec) == size and math.isclose(sum(v * v for v in vec), 1.0, rel_tol=1e-4)


def _embedding_models() -> list[tuple[str, int, bool]]:
    """(name, native size, accepts dimensions) of every embedding model the catalogue serves."""
    from fake_llm.catalog import Catalog

    catalog = Catalog()
    return [(n, p.embedding_dim, p.dimensions_param) for n in catalog.names() for p in (catalog.resolve(n),)
            if p.embedding]


@pytest.mark.parametrize(("model", "size", "shortens"), _embedding_models())
@pytest.mark.parametrize("encoding", ["float", "base64"])
def test_every_embedding_model_gives_dense_unit_vectors_at_every_size(client: openai.OpenAI, model: str, size: int,
                                                                      shortens: bool, encoding: str) -> None:
    """Full size, and for models that take ``dimensions`` every cut down to 1 ([+1.0] or [-1.0]):
    unit norm, no zero coordinates, as a real model's vectors are; a blank text's too (an empty one is
    refused, as the API refuses it)."""
    cuts = [None, *((1, 2, 3, size // 3, size - 1, size) if shortens else ())]
    for dims in cuts:
        extra = {} if dims is None else {"dimensions": dims}
        r = client.embeddings.create(model=model, input=["The quick brown fox", " "], encoding_format=encoding,  # type: ignore[arg-type]
                                     **extra)  # type: ignore[arg-type]
        for item in r.data:
            vec = item.embedding
            if isinstance(vec, str):  # base64 asked for explicitly: the SDK leaves it as sent
                raw = base64.b64decode(vec)
                vec = list(struct.unpack(f"<{len(raw) // 4}f", raw))
            assert len(vec) == (dims or size)
            assert math.isclose(sum(v * v for v in vec), 1.0, rel_tol=1e-4)
            assert all(v != 0.0 for v in vec), (model, dims)
            if dims == 1:
                assert vec in ([1.0], [-1.0])


def test_dimensions_shorten_text_embedding_3_and_keep_the_ranking(client: openai.OpenAI) -> None:
    texts = ["refund policy for orders", "refund orders policy", "the weather on mars"]
    short = [d.embedding for d in client.embeddings.create(model="text-embedding-3-large", input=texts,
                                                           dimensions=256).data]
    assert {len(v) for v in short} == {256}

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(short[0], short[1]) > cos(short[0], short[2])


@pytest.mark.parametrize(("model", "dims"), [("text-embedding-ada-002", 512), ("text-embedding-3-small", 1537),
                                             ("text-embedding-3-small", 0)])
def test_dimensions_a_model_cannot_give_are_400(client: openai.OpenAI, model: str, dims: int) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.embeddings.create(model=model, input="x", dimensions=dims)
    assert err.value.param == "dimensions"  # type: ignore[attr-defined]


def test_serve_with_a_users_catalogue(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from chaos.cli.serve import build_provider_app

    path = tmp_path / "models.yaml"
    path.write_text("families:\n  - {family: acme-1, provider: openai, kind: chat, snapshots: [acme-1-2026-02-02]}\n")
    app = build_provider_app(seed=0, latency_scale=0, admin_token="t", models_file=path)
    with TestClient(app) as http:
        r = http.post("/v1/chat/completions", headers={"authorization": "Bearer k"},
                      json={"model": "acme-1", "messages": [{"role": "user", "content": "Hello"}]})
    assert r.status_code == 200 and r.json()["model"] == "acme-1-2026-02-02"


@pytest.mark.parametrize("name", ["claude-sonnet-4-6", "claude-opus-4-6", "claude-sonnet-5"])
def test_new_claude_models_take_the_output_limit_clients_send(server: FiredrillServer, name: str) -> None:
    """litellm sends max_tokens = the model's whole output limit (128,000 for these): accepted; one more is not."""
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0)
    hi = [{"role": "user", "content": "Hi"}]  # a timeout of our own: the SDK wants one for such max_tokens
    ok = client.messages.create(model=name, max_tokens=128_000, messages=hi, timeout=60)  # type: ignore[arg-type]
    assert ok.stop_reason == "end_turn"
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model=name, max_tokens=128_001, messages=hi, timeout=60)  # type: ignore[arg-type]
