"""Answers the provider has given before, kept as byte templates, for the HTTP hot path.

With no fault configured and nobody observing exchanges, the answer to a request is a pure
function of its bytes (the model is deterministic, the seed fixed), except for the completion id,
the request id and the ``created`` time. A template is the answer's bytes cut around those; a
repeated request is answered by filling them in, instead of validating, generating, rendering
and serialising again (which cost three times what the HTTP stack itself does). Bounded by bytes.
The provider makes a template the second time it sees the same bytes: most requests never come
back, and cutting and storing every first answer cost a tenth of a distinct request.
"""

from __future__ import annotations

from dataclasses import dataclass

from fake_llm.hooks import Flavour, Frame
from fake_llm.memo import ByteBudgetLRU

RID, CREATED = 0, 1  # the two kinds of slot

# The pieces of bytes between the slots, and the kind of each slot: pieces[0], slot 0, pieces[1], ...
Segments = tuple[tuple[bytes, ...], tuple[int, ...]]


def cut(data: bytes, rid: str, created: int) -> Segments:
    """``data`` with every ``rid`` and every ``"created":<created>`` made a slot.

    Two splits, not a regex: compiling a pattern per answer was a third of a distinct request's
    cost. The marks cannot overlap (the rid is hex, the other starts with a quote)."""
    created_mark = b'"created":%d' % created
    pieces: list[bytes] = []
    kinds: list[int] = []
    for i, part in enumerate(data.split(rid.encode())):
        if i:
            kinds.append(RID)
        for j, piece in enumerate(part.split(created_mark)):
            if j:
                kinds.append(CREATED)
            pieces.append(piece)
    return tuple(pieces), tuple(kinds)


def fill(segments: Segments, rid: bytes, created: bytes) -> bytes:
    pieces, kinds = segments
    if not kinds:
        return pieces[0]
    values = (rid, created)
    out = [pieces[0]]
    for kind, piece in zip(kinds, pieces[1:]):  # noqa: B905 - one piece more than slots, by construction
        out.append(values[kind])
        out.append(piece)
    return b"".join(out)


@dataclass(frozen=True)
class Template:
    status: int
    headers: tuple[tuple[str, str, bool], ...]  # name, value, whether the value holds the rid
    rid_in_headers: str
    raw_headers: tuple[tuple[bytes, bytes, bool], ...]  # the same encoded as sent: lower-cased name, value
    body: Segments | None
    frames: tuple[tuple[Segments, float], ...] | None
    latency_s: float

    @property
    def weight(self) -> int:
        body = sum(len(p) for p in self.body[0]) if self.body else 0
        frames = sum(len(p) for (pieces, _), _ in self.frames or () for p in pieces) + 64 * len(self.frames or ())
        return body + frames + 128 * len(self.headers)


def template_of(status: int, headers: dict[str, str], body: bytes | None, frames: list[Frame] | None,
                latency_s: float, rid: str, created: int) -> Template | None:
    """The template of an answer, or None when it cannot be replayed (frames that drop or wait)."""
    if frames is not None and any(f.drop_connection for f in frames):
        return None
    return Template(
        status=status,
        headers=tuple((k, v, rid in v) for k, v in headers.items()),
        rid_in_headers=rid,
        raw_headers=tuple((k.lower().encode("latin-1"), v.encode("latin-1"), rid in v) for k, v in headers.items()),
        body=cut(body, rid, created) if body is not None else None,
        frames=tuple((cut(f.data, rid, created), f.delay_s) for f in frames) if frames is not None else None,
        latency_s=latency_s,
    )


class ReplayCache:
    """(flavour, route, body bytes) -> the template of the answer, at most ``max_bytes``."""

    def __init__(self, max_bytes: int = 4 * 1024 * 1024, max_entry_bytes: int = 64 * 1024) -> None:
        self._lru: ByteBudgetLRU[tuple[Flavour, str, bytes], Template] = ByteBudgetLRU(
            max_bytes, max_entry_bytes=max_entry_bytes, entry_overhead_bytes=1024)

    def get(self, flavour: Flavour, route: str, body: bytes) -> Template | None:
        return self._lru.get((flavour, route, body))

    def put(self, flavour: Flavour, route: str, body: bytes, template: Template) -> None:
        self._lru.put((flavour, route, body), template, len(body) + template.weight)

    def clear(self) -> None:
        if len(self._lru):
            self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)
