"""A local fake LLM provider (OpenAI and Anthropic wire formats) and a breakable RAG feature.

The public names are loaded on first use (PEP 562), so importing a light module such as
``fake_llm.hooks`` (the scenario model needs its vocabulary) does not start up the server stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_llm.catalog import Catalog, ModelProfile
    from fake_llm.model import generate
    from fake_llm.provider import Provider, ProviderResult
    from fake_llm.server import ServerThread, create_app

__all__ = ["Catalog", "ModelProfile", "Provider", "ProviderResult", "ServerThread", "create_app", "generate"]
_HOME = {"Catalog": "fake_llm.catalog", "ModelProfile": "fake_llm.catalog", "generate": "fake_llm.model",
         "Provider": "fake_llm.provider", "ProviderResult": "fake_llm.provider", "ServerThread": "fake_llm.server",
         "create_app": "fake_llm.server"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module 'fake_llm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
