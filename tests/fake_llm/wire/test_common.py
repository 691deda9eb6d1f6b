"""JSON is read as the standard library reads it, whichever parser does the reading, bytes or text."""

from __future__ import annotations

import json
import math

import pytest

from fake_llm.wire.common import loads

TEXTS = [
    '{"trace_id": "tr-000123", "latency_s": 1.2345, "cost": 0.00012, "n": [1, -2, 3e5]}',
    '{"big": 123456789012345678901234567890, "small": -9223372036854775809}',  # past 64 bits: exact
    '{"u64": 18446744073709551615, "digits": "1234567890123456789012"}',  # 19 digits in a string only
    '{"huge": 1e400, "tiny": -1e-400}',
    '{"text": "caf\\u00e9 \\ud83d\\ude00", "raw": "café"}',
    '{"a": 1, "a": 2}',  # the last of a repeated key wins
    '{"lone": "\\ud800"}',  # orjson refuses an unpaired surrogate; the standard library reads it
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_reads_as_json_loads_reads_it_from_str_and_from_bytes(text: str) -> None:
    expected = json.loads(text)
    assert loads(text) == expected and loads(text.encode()) == expected
    assert [type(v) for v in loads(text).values()] == [type(v) for v in expected.values()]


def test_nan_reads_as_a_float() -> None:
    assert math.isnan(loads('{"t": NaN}')["t"])


def test_what_is_not_json_raises_the_standard_librarys_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads("{not json")
