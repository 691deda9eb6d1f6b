"""The facilitator's CLI: tokens from the environment, clear failures, help on every command."""

from __future__ import annotations

import pytest

from chaos.cli.console import _declared
from chaos.faults.registry import FAULT_TYPES
from tests.chaos.support import cli


def test_fault_types_lists_the_registry_without_a_server_or_token(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert cli("fault", "types") == 0
    out = capsys.readouterr().out
    assert all(name in out for name in FAULT_TYPES)


def test_no_token_is_a_clear_message_not_a_protocol_error(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("FIREDRILL_TOKEN", "FIREDRILL_ADMIN_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert cli("drill", "pause", "--url", "http://127.0.0.1:9") != 0
    err = capsys.readouterr().err
    assert "no token" in err and "FIREDRILL_ADMIN_TOKEN" in err and "LocalProtocolError" not in err


def test_facilitator_commands_read_the_admin_token_from_the_environment(capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREDRILL_ADMIN_TOKEN", "sekret")
    monkeypatch.delenv("FIREDRILL_TOKEN", raising=False)
    assert cli("fault", "list", "--url", "http://127.0.0.1:9") != 0
    assert "cannot reach firedrill" in capsys.readouterr().err  # it got as far as the network


@pytest.mark.parametrize("verb", ["pause", "resume", "end", "page", "reveal", "inject"])
def test_every_drill_subcommand_has_help(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("drill", "--help") == 0
    listing = capsys.readouterr().out
    line = next(line for line in listing.splitlines() if line.strip().startswith(verb))
    assert len(line.split()) > 1, f"`drill {verb}` has no help in the listing"


def test_a_declaration_reads_as_a_sentence() -> None:
    said = _declared({"started_s": 600, "symptom": "wrong-answers", "change_id": "CHG-102", "fraction": 0.3,
                      "topics": ["pricing", "refunds"]})
    assert said == "started 14:10, symptom wrong-answers, change CHG-102, fraction 30%, topics pricing, refunds"
