"""Request bodies are read as the standard library reads them, whichever parser does the reading."""

from __future__ import annotations

import json
import math

import pytest

from fake_llm.errors import InvalidRequest
from fake_llm.wire.limits import parse_body


@pytest.mark.parametrize("raw", [
    b'{"messages": [{"role": "user", "content": "hi"}], "seed": 7, "temperature": 0.1}',
    b'{"a": 1, "a": 2}',  # the last of a repeated key wins
    b'{"big": 123456789012345678901234567890, "small": -9223372036854775809}',  # integers past 64 bits stay exact
    b'{"huge": 1e400}',
    b'\xef\xbb\xbf{"bom": true}',
    '{"utf16": "é"}'.encode("utf-16"),
])
def test_a_body_reads_as_json_loads_reads_it(raw: bytes) -> None:
    assert parse_body(raw) == json.loads(raw)


def test_nan_reads_as_a_float_as_json_loads_reads_it() -> None:
    assert math.isnan(parse_body(b'{"t": NaN}')["t"])


@pytest.mark.parametrize(("raw", "words"), [
    (b"{not json", "could not parse"),
    (b"[" * 5000, "deeper than"),
    (b'{"content": "\\ud800"}', "unpaired surrogate"),
])
def test_what_no_parser_should_accept_is_a_400_that_says_why(raw: bytes, words: str) -> None:
    with pytest.raises(InvalidRequest, match=words):
        parse_body(raw)
