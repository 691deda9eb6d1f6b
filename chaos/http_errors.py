"""One error shape for every firedrill HTTP API (control, admin): ``{"error": {"type", "message"}}``.

The status comes from the exception's class (``FiredrillError.http_status``), never from its text.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from chaos.errors import FiredrillError, error_type


def error_body(kind: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"type": kind, "message": message}}


def error_response(exc: FiredrillError) -> JSONResponse:
    """The response for an error the user can fix: its class picks the status."""
    return JSONResponse(error_body(error_type(exc), str(exc)), status_code=exc.http_status)


def refused(status: int, message: str) -> JSONResponse:
    """401 (no or wrong token) and 403 (a token without the standing this needs)."""
    return JSONResponse(error_body("unauthorized" if status == 401 else "forbidden", message), status_code=status)
