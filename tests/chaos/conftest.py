from __future__ import annotations

import openai
import pytest

from chaos.testing import FiredrillServer


@pytest.fixture
def oai(firedrill_server: FiredrillServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=firedrill_server.openai_base_url, api_key="sk-test", max_retries=0)
