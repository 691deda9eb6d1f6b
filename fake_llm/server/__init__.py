"""The fake provider over HTTP."""

from fake_llm.server.app import create_app
from fake_llm.server.runner import ServerThread

__all__ = ["ServerThread", "create_app"]
