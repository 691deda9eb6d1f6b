from __future__ import annotations

import openai
import pytest

from chaos.testing import FiredrillServer, firedrill_server
from tests.chaos.support import ask


def test_a_hang_past_the_client_timeout_raises_apitimeouterror() -> None:
    with firedrill_server(latency_scale=1.0) as srv:
        client = openai.OpenAI(base_url=srv.openai_base_url, api_key="k", max_retries=0, timeout=0.2)
        with srv.fault("timeout", hang_s=5), pytest.raises(openai.APITimeoutError):
            ask(client)


def test_a_dropped_connection_raises_apiconnectionerror(firedrill_server: FiredrillServer,
                                                        oai: openai.OpenAI) -> None:
    with firedrill_server.fault("timeout", mode="drop"), pytest.raises(openai.APIConnectionError):
        ask(oai)
    assert "$49" in ask(oai)
