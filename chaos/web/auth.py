"""How a browser becomes a person in the room, without a token in any URL a server logs.

``firedrill run`` prints links whose secret is in the fragment (``/room#code=…``), which a
browser never sends. The join page reads it and trades it here, in a POST body, for a personal
token in an HttpOnly, SameSite=Strict cookie: the console's scripts never see it, another site
cannot send it, and the control API reads the same cookie (chaos/control_api.py ``identify``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from chaos.control_api import CONSOLE_HEADER, TOKEN_COOKIE, identify
from chaos.errors import DrillNotRunningError
from chaos.http_body import json_object
from chaos.roster import Identity, Roster, Standing


def current(roster: Roster, request: Request) -> Identity | None:
    """The person this browser is, from its cookie (or a bearer header, for scripts)."""
    return identify(roster, request)


async def form(request: Request) -> dict[str, Any]:
    """A console POST's JSON body; refused without the console header a cross-site form cannot send."""
    if request.headers.get(CONSOLE_HEADER) != "1":
        raise PermissionError("console requests carry the x-firedrill-console: 1 header")
    return json_object(await request.body())


def with_token(payload: dict[str, Any], token: str) -> Response:
    response = JSONResponse(payload)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def join(roster: Roster, body: dict[str, Any]) -> Response:
    """Join code + name + role → a personal token, bound to that name, set as the cookie."""
    code = str(body.get("code", "")).strip()
    who = roster.identify(code)
    if who is None or who.standing is not Standing.OBSERVER:
        raise PermissionError("that is not this drill's join code: use the link `firedrill run` printed")
    try:
        member = roster.join(str(body.get("name", "")), str(body.get("role", "")))
    except DrillNotRunningError:
        raise DrillNotRunningError('the drill has ended, so nobody can join it now: choose "Just watch" to read '
                                   "the debrief") from None
    return with_token({"name": member.name, "role": member.role.value}, member.token)


def enter(roster: Roster, body: dict[str, Any]) -> Response:
    """Any valid token (join code to watch, personal, facilitator) → the cookie."""
    token = str(body.get("token", "")).strip()
    who = roster.identify(token)
    if who is None:
        raise PermissionError("that token belongs to nobody in this drill")
    return with_token({"name": who.name, "standing": who.standing.value}, token)


def leave() -> Response:
    response = JSONResponse({"left": True})
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response
