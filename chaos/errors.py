"""What the user did wrong, and how to fix it. The CLI prints these as one line and exits non-zero.

    FiredrillError
    ├── FaultError        a fault's type, parameters or targeting are invalid
    ├── ScenarioError     a scenario file is malformed (carries file, line, field)
    ├── DrillError        the drill is not running, or refused the request
    └── ConnectError      no drill or provider answers at the given URL, or the token is wrong
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module on every start: keep pydantic out of it
    from pydantic import ValidationError


class FiredrillError(Exception):
    """Base of every error firedrill explains to its user."""

    exit_code = 1


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


class ScenarioError(FiredrillError):
    """A scenario file is malformed: says file, line and field."""

    exit_code = 2

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None):
        self.file, self.line, self.field, self.reason = file, line, field, message
        where = file if line is None else f"{file}:{line}"
        what = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {what}")


class DrillError(FiredrillError):
    """The drill is not running, or refused the request."""


class ConnectError(FiredrillError):
    """No drill or provider answers at the given URL, or the token is wrong."""
