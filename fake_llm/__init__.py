"""A local fake LLM provider (OpenAI and Anthropic wire formats) and a breakable RAG feature."""

from fake_llm.catalog import Catalog, ModelProfile
from fake_llm.model import generate
from fake_llm.provider import Provider, ProviderResult
from fake_llm.server import ServerThread, create_app

__all__ = ["Catalog", "ModelProfile", "Provider", "ProviderResult", "ServerThread", "create_app", "generate"]
