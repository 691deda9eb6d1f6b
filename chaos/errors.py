"""What the user did wrong, and how to fix it. The CLI prints these as one line and exits non-zero.

    FiredrillError                     exit 1, HTTP 400
    ├── FaultError                     a fault's type, parameters or targeting are invalid (exit 2)
    │   └── UnknownFaultError          no fault with that id (HTTP 404)
    ├── ScenarioError                  a scenario file is malformed (carries file, line, field; exit 2)
    ├── DrillError                     the drill refused the request
    │   ├── DrillNotRunningError       the drill has ended (HTTP 409)
    │   ├── NotFoundError              no trace, drill or change with that id (HTTP 404)
    │   └── InputTooLargeError         a note, body or field is over its size limit (HTTP 413)
    └── ConnectError                   no drill or provider answers at the given URL, or the token is wrong

Each class carries its exit code and HTTP status, so the CLI and both HTTP APIs map errors by
class (``exc.http_status``), never by reading the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module on every start: keep pydantic out of it
    from pydantic import ValidationError


class FiredrillError(Exception):
    """Base of every error firedrill explains to its user."""

    exit_code = 1
    http_status = 400


class FaultError(FiredrillError):
    """A fault's type, parameters or targeting are invalid."""

    exit_code = 2

    @classmethod
    def from_validation(cls, fault_id: str, type_name: str, part: str, exc: ValidationError) -> FaultError:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or part
            problems.append(f"{part}.{loc}: {err['msg']}")
        return cls(f"fault {fault_id!r} ({type_name}): " + "; ".join(problems))


class UnknownFaultError(FaultError):
    """No active fault has that id."""

    http_status = 404


class ScenarioError(FiredrillError):
    """A scenario file is malformed: says file, line and field."""

    exit_code = 2

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None):
        self.file, self.line, self.field, self.reason = file, line, field, message
        where = file if line is None else f"{file}:{line}"
        what = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {what}")


class DrillError(FiredrillError):
    """The drill refused the request: a bad argument, a wrong field, a refused action."""


class DrillNotRunningError(DrillError):
    """The drill has ended; nothing more can be done in it."""

    http_status = 409


class NotFoundError(DrillError):
    """No trace, drill or change with that id."""

    http_status = 404


class InputTooLargeError(DrillError):
    """A note, request body or field is over its size limit."""

    http_status = 413


class ConnectError(FiredrillError):
    """No drill or provider answers at the given URL, or the token is wrong."""

    http_status = 502


def error_type(exc: BaseException) -> str:
    """The class name as the error shape's ``type``: ``DrillNotRunningError`` -> ``drill_not_running``."""
    name = type(exc).__name__.removesuffix("Error") or "Firedrill"
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
