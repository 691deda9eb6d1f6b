"""Errors of the fake provider and the drill world.

    FakeLLMError
    ├── UnknownModel      a model name or alias that is not in the catalogue
    ├── CatalogError      a model catalogue file that cannot be used (says file and entry)
    └── InvalidRequest    a request body the provider rejects (rendered as a 4xx)
"""

from __future__ import annotations


class FakeLLMError(Exception):
    """Base of fake_llm's errors."""


class UnknownModel(FakeLLMError):
    """A model name or alias that is not in the catalogue."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"The model `{name}` does not exist or you do not have access to it.")


class InvalidRequest(FakeLLMError):
    """A request the provider rejects; ``param`` names the offending field when there is one.

    ``code`` is OpenAI's machine-readable code (``integer_above_max_value``, ``unknown_parameter``…);
    None takes the default code of ``kind``, "" means no code at all.
    """

    def __init__(self, message: str, *, param: str | None = None, status: int = 400,
                 kind: str = "invalid_request", code: str | None = None) -> None:
        self.param, self.status, self.kind, self.code = param, status, kind, code
        super().__init__(message)


class CatalogError(FakeLLMError):
    """A model catalogue (YAML) that cannot be used; the message names the file and the entry."""
