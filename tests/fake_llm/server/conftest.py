"""Shared fixtures for the provider's HTTP tests: one real server per module and an SDK client on it."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from chaos.testing import FiredrillServer, firedrill_server


@pytest.fixture(scope="module")
def server() -> Iterator[FiredrillServer]:
    with firedrill_server() as srv:
        yield srv


@pytest.fixture
def client(server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)
