"""The traces table fits the terminal: no line wider than it, ids and times whole, the question in
whole words, and what did not fit named."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from chaos.cli.trace_table import COLUMNS, trace_table


def trace(i: int, question: str) -> dict[str, object]:
    return {"trace_id": f"tr-{i:06d}", "time": "14:17", "status": "ok", "judge": "fail", "topic": "support-hours",
            "segment": "enterprise", "question": question,
            "attributes": {"gen_ai.response.model": "fd-large-2026-09-01", "firedrill.prompt.version": "v2",
                           "firedrill.latency_ms": 1234.5, "firedrill.context_tokens": 1840,
                           "gen_ai.usage.output_tokens": 35, "firedrill.cost_usd": 0.00081}}


TRACES = [trace(1, "How much does the Animal Air cost per month on the annual plan?"),
          trace(2, "When will my order to Canada arrive?")]


def printed(width: int) -> tuple[list[str], list[str]]:
    out = io.StringIO()
    table, left_out = trace_table(TRACES, width)
    Console(file=out, width=width, color_system=None).print(table)
    return out.getvalue().splitlines(), left_out


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 240])
def test_no_line_is_wider_than_the_terminal_and_nothing_is_cut_mid_word(width: int) -> None:
    lines, left_out = printed(width)
    assert all(len(line) <= width for line in lines)
    header, body = lines[0], lines[2:]
    assert [line[:9] for line in body if line[:3] == "tr-"] == ["tr-000001", "tr-000002"]
    at = header.index("question")
    asked = " ".join(line[at:].strip() for line in body).split()
    assert asked == " ".join(str(t["question"]) for t in TRACES).split(), "the questions, in whole words"
    assert left_out == [c.header for c in COLUMNS if c.header not in header]


def test_a_narrow_terminal_keeps_what_tells_a_bad_request_from_a_good_one() -> None:
    lines, left_out = printed(80)
    header = lines[0].split()
    assert header[:3] == ["trace", "time", "result"] and "prompt" in header and "ok/fail" in lines[2]
    assert "cost $" in left_out and "model" in left_out
    wide, none_left = printed(240)
    assert none_left == [] and "fd-large-2026-09-01" in wide[2] and "enterprise" in wide[2]
