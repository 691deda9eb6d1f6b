"""Provider faults reach the AI feature in-process exactly as they would over HTTP."""

from __future__ import annotations

from collections import Counter

from tests.chaos.faults.world_support import run


def test_rate_limits_surface_as_rate_limit_errors_after_sdk_retries() -> None:
    _, limited = run("rate_limit", {"retry_after_s": 0.5}, {"fraction": 0.5}, n=300)
    errors = [a for a in limited if a.status == "error"]
    assert errors and Counter(a.error_type for a in errors) == {"rate_limit_exceeded": len(errors)}
    assert all(a.attempts == 3 for a in errors)


def test_a_schema_error_breaks_every_answer() -> None:
    _, broken = run("schema_error", {"kind": "missing_field"}, n=100)
    assert {a.error_type for a in broken} == {"response_schema_mismatch"}
