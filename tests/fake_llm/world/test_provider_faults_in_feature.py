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
    assert {a.error_type for a in broken} == {"APIResponseValidationError"}


def test_a_hanging_provider_is_a_client_timeout_after_two_retries_in_simulated_time() -> None:
    _, hung = run("timeout", {"mode": "hang", "hang_s": 120}, n=20)
    assert {(a.status, a.error_type, a.attempts) for a in hung} == {("error", "timeout", 3)}
    assert all(a.latency_s >= 90 for a in hung)  # three 30 s client timeouts plus back-off, never slept


def test_a_silent_model_change_shows_in_the_served_model_version() -> None:
    _, before = run(n=20)
    _, after = run("model_change", {"alias": "fd-large", "to_version": "fd-large-2026-11-15"}, n=20)
    assert {a.model_version for a in after} == {"fd-large-2026-11-15"}
    assert {a.model_version for a in before} != {"fd-large-2026-11-15"}
    assert {a.model for a in after} == {"fd-large"}  # the request still names the alias
