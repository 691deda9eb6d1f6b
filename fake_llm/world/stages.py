"""The contexts the AI feature hands to faults at its own stages (retrieval, prompt, parsing, traffic).

Each has ``info`` so the shared targeting works; each field a fault may edit is marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fake_llm.hooks import RequestInfo
from fake_llm.world.index import Chunk, Index
from fake_llm.world.knowledge import GoldenQuestion


@dataclass
class RetrievalContext:
    info: RequestInfo
    query: str
    index: Index
    chunks: list[Chunk]  # editable: what the prompt will be built from
    k: int
    injected: list[str] = field(default_factory=list)
    embedding_model: str = ""  # editable: the snapshot that embedded the query (the index's unless changed)


@dataclass
class PromptContext:
    info: RequestInfo
    prompt_version: str
    system: str  # editable
    passages: list[str]  # editable, one formatted line per chunk
    injected: list[str] = field(default_factory=list)


@dataclass
class ParsingContext:
    info: RequestInfo
    raw: str  # the model's output text
    answer: str | None  # editable: the parsed answer, None when parsing failed
    sources: list[str]
    error: str | None = None  # editable: the parse error type
    injected: list[str] = field(default_factory=list)


@dataclass
class TrafficContext:
    info: RequestInfo
    user: str
    segment: str
    question: GoldenQuestion  # editable: a fault may send other questions
    locale: str = "en"  # editable
    world: Any = None  # the world, for faults that draw questions from it
    injected: list[str] = field(default_factory=list)
