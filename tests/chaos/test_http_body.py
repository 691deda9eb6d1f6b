"""Every firedrill HTTP API reads its JSON body the same bounded way: a bad body is a 4xx that says
what is wrong, never a 500 (found by fuzzing the control API with a body nested 2,000 deep)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from chaos.errors import DrillError, FaultError, InputTooLargeError
from chaos.http_body import MAX_BODY_BYTES, json_object
from chaos.live import LiveDrill
from tests.chaos.support import onboarding_drill

NESTED = b'{"a":' * 2000 + b"1" + b"}" * 2000


@pytest.mark.parametrize(("raw", "says"), [
    (NESTED, "nested too deeply"),
    (b"{", "not valid JSON"),
    (b'{"x": NaN}', "NaN is not a number JSON allows"),
    (b"[1, 2]", "must be a JSON object"),
    (b"\xff\xfe", "not valid JSON"),
    (b'{"text": "a \\ud800 b"}', "unpaired surrogate \\\\ud800"),
])
def test_a_bad_body_says_what_is_wrong(raw: bytes, says: str) -> None:
    with pytest.raises(DrillError, match=says):
        json_object(raw)


def test_the_limits_and_the_error_class_are_the_caller_s() -> None:
    assert json_object(b"") == {} and json_object(b"  ") == {} and json_object(b'{"a": [1]}') == {"a": [1]}
    with pytest.raises(InputTooLargeError):
        json_object(b" " * (MAX_BODY_BYTES + 1))
    with pytest.raises(FaultError):
        json_object(b"[]", error=FaultError)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDrill]:
    with onboarding_drill(tmp_path_factory.mktemp("d") / "d.sqlite3", speed=1, responder_token="join",
                          facilitator_token="fac") as drill:
        yield drill


@pytest.mark.parametrize(("path", "token"), [
    ("/drill/note", "fac"), ("/drill/join", "join"), ("/drill/inject", "fac"), ("/admin/faults", "fac"),
    ("/room/join", "join"), ("/room/enter", "join"),
])
def test_a_body_nested_2000_deep_is_a_400_on_every_api(live: LiveDrill, path: str, token: str) -> None:
    r = httpx.post(live.url + path, content=NESTED, headers={"authorization": f"Bearer {token}",
                                                              "x-firedrill-console": "1",
                                                              "content-type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]["message"]


def test_a_note_that_is_not_text_is_refused_and_the_timeline_stays_readable(live: LiveDrill) -> None:
    fac = {"authorization": "Bearer fac", "content-type": "application/json"}
    note = httpx.post(live.url + "/drill/note", content=b'{"text": "a \\ud800 b"}', headers=fac)
    assert note.status_code == 400 and "surrogate" in note.json()["error"]["message"]
    assert httpx.get(live.url + "/drill/timeline", headers=fac).status_code == 200
    asked = httpx.post(live.url + "/v1/assistant/ask", content=b'{"question": "\\ud800 price?"}', headers=fac)
    assert asked.status_code == 400 and "surrogate" in asked.json()["error"]["message"]
