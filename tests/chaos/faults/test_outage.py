from __future__ import annotations

import openai
import pytest

from chaos.testing import FiredrillServer
from tests.chaos.support import ask


@pytest.mark.parametrize("status", [500, 502, 503])
def test_outage_returns_the_status_in_the_openai_envelope(firedrill_server: FiredrillServer, oai: openai.OpenAI,
                                                          status: int) -> None:
    with firedrill_server.fault("outage", status=status), pytest.raises(openai.InternalServerError) as exc:
        ask(oai)
    assert exc.value.status_code == status and exc.value.body["type"] == "server_error"  # type: ignore[index]


def test_outage_ends_when_the_fault_is_removed(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("outage"), pytest.raises(openai.InternalServerError):
        ask(oai)
    assert "$49" in ask(oai)
