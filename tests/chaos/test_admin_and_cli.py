"""The facilitator controls faults over HTTP and through `firedrill fault …`; responders cannot."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest

from chaos.testing import FiredrillServer
from tests.chaos.support import ask
from tests.chaos.support import cli as run_cli


def test_admin_api_refuses_a_missing_or_wrong_token(firedrill_server: FiredrillServer) -> None:
    url = f"{firedrill_server.url}/admin/faults"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"authorization": "Bearer guess"}).status_code == 401
    ok = httpx.get(url, headers={"authorization": f"Bearer {firedrill_server.admin_token}"})
    assert ok.status_code == 200 and ok.json()["faults"] == []


def test_admin_api_names_the_bad_field_and_allowed_values(firedrill_server: FiredrillServer) -> None:
    auth = {"authorization": f"Bearer {firedrill_server.admin_token}"}
    r = httpx.post(f"{firedrill_server.url}/admin/faults", json={"type": "outage", "params": {"status": 504}},
                   headers=auth)
    message = r.json()["error"]["message"]
    assert r.status_code == 400 and "params.status" in message and "503" in message
    r = httpx.post(f"{firedrill_server.url}/admin/faults", json={"type": "latncy"}, headers=auth)
    message = r.json()["error"]["message"]
    assert "known types" in message and "latency" in message


def test_cli_add_list_rm_clear_against_a_live_server(firedrill_server: FiredrillServer, oai: openai.OpenAI,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    conn = ["--url", firedrill_server.url, "--token", firedrill_server.admin_token]
    assert run_cli("fault", "add", "outage", "--param", "status=502", "--id", "down", "--fraction", "1", *conn) == 0
    with pytest.raises(openai.InternalServerError) as exc:
        ask(oai)
    assert exc.value.status_code == 502
    assert run_cli("fault", "list", *conn) == 0
    assert "down" in capsys.readouterr().out
    assert run_cli("fault", "rm", "down", *conn) == 0
    assert "$49" in ask(oai)
    assert run_cli("fault", "add", "latency", "--param", "ttft_ms=10", *conn) == 0
    assert run_cli("fault", "clear", *conn) == 0
    assert firedrill_server.engine.list() == []


def test_cli_with_a_wrong_token_exits_non_zero_with_a_clear_message(firedrill_server: FiredrillServer,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("fault", "list", "--url", firedrill_server.url, "--token", "wrong") != 0
    assert "refused the token" in capsys.readouterr().err


def test_cli_against_no_server_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("fault", "list", "--url", "http://127.0.0.1:9", "--token", "t") != 0
    assert "cannot reach firedrill" in capsys.readouterr().err


def test_fault_file_errors_name_file_and_line(tmp_path: Path) -> None:
    from chaos.errors import ScenarioError
    from chaos.faultfile import load_fault_file

    path = tmp_path / "faults.yaml"
    path.write_text("- type: latency\n  params: {ttft_ms: 100}\n- type: outage\n  params:\n    status: 504\n")
    with pytest.raises(ScenarioError) as exc:
        load_fault_file(path)
    assert str(exc.value).startswith(f"{path}:3:") and "status" in str(exc.value)
    path.write_text("- type: latency\n  start_s: 5\n  stop_s: 60\n")
    [spec] = load_fault_file(path)
    assert (spec.type, spec.id, spec.start_s, spec.stop_s) == ("latency", "latency-1", 5, 60)
