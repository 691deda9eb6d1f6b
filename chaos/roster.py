"""Who is in the incident room: people who joined with a name and a role, each with a personal token.

The team shares one join code (the responder token ``firedrill run`` prints). A person trades it
for a personal token bound to the name they joined with, so every action, note and declaration is
attributed to the person holding the token, never to a name a client typed. The join code alone
lets you watch, not act. The facilitator's token is separate and is never a member of the roster.
Joins and role changes are journaled as ``role`` events by the callback the drill passes in,
with a hash of the member's token (never the token), so a drill resumed after a crash restores
its roster and everyone's token keeps working.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from chaos.errors import DrillError
from chaos.events import FACILITATOR

FACILITATOR_NAME = FACILITATOR
RESERVED_NAMES = {"runner", "world", "facilitator", "responder", "team", "system"}
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9 ._'-]{0,31}")


class Role(StrEnum):
    """The incident roles of the runbook's incident room."""

    COMMANDER = "commander"  # incident commander: decides, keeps the team on contain → characterise → mitigate
    OPERATIONS = "operations"  # hands on the controls, reads traces and dashboards
    COMMUNICATIONS = "communications"  # updates stakeholders and users
    SCRIBE = "scribe"  # keeps the timeline: notes, declarations

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title() is shadowed on purpose: the role's title
        return "incident commander" if self is Role.COMMANDER else self.value


class Standing(StrEnum):
    """What a token lets its holder do."""

    OBSERVER = "observer"  # the team's join code: watch the room, join it
    MEMBER = "member"  # a personal token: act, declare, note, all attributed to the member
    FACILITATOR = "facilitator"  # everything, including ground truth and the drill's own controls


@dataclass(frozen=True)
class Identity:
    """The person behind a token, as the control API and the web console resolve it."""

    name: str
    standing: Standing
    role: Role | None = None

    @property
    def can_act(self) -> bool:
        return self.standing in (Standing.MEMBER, Standing.FACILITATOR)

    @property
    def is_facilitator(self) -> bool:
        return self.standing is Standing.FACILITATOR


@dataclass
class Member:
    name: str
    role: Role
    token_hash: str
    token: str = ""  # the personal token itself, only in the answer to the join; a restored member has none


def token_hash(token: str) -> str:
    return hashlib.sha256(f"firedrill-member:{token}".encode()).hexdigest()


class Roster:
    """The room's members and the tokens that identify them; thread-safe."""

    def __init__(
        self,
        *,
        join_code: str,
        facilitator_token: str,
        on_role: Callable[[str, Role, str], object] | None = None,
        restore: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        """``on_role(name, role, token_hash)`` journals a join or a change of role; ``restore`` holds
        the (name, role, token hash) of the members of a resumed drill."""
        self.join_code = join_code
        self.facilitator_token = facilitator_token
        self._on_role = on_role
        self._members = {name.lower(): Member(name, _role(role), digest) for name, role, digest in restore}
        self._lock = threading.Lock()

    def join(self, name: str, role: Role | str) -> Member:
        """Add a person; returns their member record with a fresh personal token."""
        name = " ".join(str(name).split())
        role = _role(role)
        if not NAME_PATTERN.fullmatch(name):
            raise DrillError("a name is 1 to 32 characters (letters, digits, spaces and . _ ' -) starting with a "
                             "letter")
        if name.lower() in RESERVED_NAMES:
            raise DrillError(f"{name!r} is reserved; pick your own name")
        with self._lock:
            if name.lower() in self._members:
                raise DrillError(f"{name!r} has already joined; pick another name (or use the token you were given)")
            token = secrets.token_urlsafe(12)
            if self._on_role is not None:
                self._on_role(name, role, token_hash(token))  # journaled first: a refused event means no member
            member = Member(name, role, token_hash(token), token)
            self._members[name.lower()] = member
        return member

    def set_role(self, name: str, role: Role | str) -> Member:
        role = _role(role)
        with self._lock:
            member = self._members[name.lower()]
            if self._on_role is not None:
                self._on_role(member.name, role, member.token_hash)
            member.role = role
        return member

    def identify(self, token: str) -> Identity | None:
        """The person a presented token belongs to; None if it belongs to nobody."""
        if not token:
            return None
        if _same(token, self.facilitator_token):
            return Identity(FACILITATOR_NAME, Standing.FACILITATOR)
        with self._lock:
            members = list(self._members.values())
        presented = token_hash(token)
        for m in members:
            if hmac.compare_digest(presented, m.token_hash):
                return Identity(m.name, Standing.MEMBER, m.role)
        if _same(token, self.join_code):
            return Identity("observer", Standing.OBSERVER)
        return None

    def members(self) -> list[dict[str, str]]:
        """Names and roles, never tokens: what everyone in the room may see."""
        with self._lock:
            return [{"name": m.name, "role": m.role.value, "title": m.role.title} for m in self._members.values()]


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise DrillError(f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}") from None


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
