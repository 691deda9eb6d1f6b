from __future__ import annotations

import json

import openai
import pytest

from chaos.testing import FiredrillServer
from tests.chaos.support import PASSAGE


def _stream(client: openai.OpenAI) -> str:
    stream = client.chat.completions.create(model="fd-large", stream=True, messages=[
        {"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much does the Pro plan cost?"}])
    return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def test_truncated_stream_ends_early_without_error_as_the_sdk_does(firedrill_server: FiredrillServer,
                                                                    oai: openai.OpenAI) -> None:
    whole = _stream(oai)
    with firedrill_server.fault("stream_error", kind="truncated_stream"):
        cut = _stream(oai)
    assert whole.startswith(cut) and len(cut) < len(whole)


def test_malformed_chunk_makes_the_sdk_raise(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("stream_error", kind="malformed_chunk"), pytest.raises(json.JSONDecodeError):
        _stream(oai)


def test_error_chunk_raises_apierror(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("stream_error", kind="error_chunk"), pytest.raises(openai.APIError):
        _stream(oai)


def test_drop_mid_stream_breaks_the_connection(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("stream_error", kind="drop_mid_stream"), pytest.raises(
            (openai.APIError, Exception)) as exc:
        _stream(oai)
    assert "incomplete" in str(exc.value).lower() or "peer" in str(exc.value).lower() or exc.type is not None


def test_no_terminator_drops_only_done(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    with firedrill_server.fault("stream_error", kind="no_terminator"):
        assert "$49" in _stream(oai)
