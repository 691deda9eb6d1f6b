"""Values for named fields taken from the user's words: the city, the date, the order id, the numbers.

A real model fills ``get_weather(city=...)`` with "Paris" because the user said "in Paris". This
module does the same with patterns: the field's name (and description) says what kind of value it
wants, and the text is searched for a value of that kind. ``Extractor`` keeps what it has handed out
so two numeric fields of one call (``add(a, b)``) take the first and the second number.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from fake_llm.context import terms

_MONTHS = ("january february march april may june july august september october november december").split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NOT_NAMES = frozenset(
    {"i", "what", "whats", "what's", "how", "when", "where", "who", "why", "which", "please", "can", "could",
     "would", "tell", "the", "a", "an", "is", "are", "do", "does", "hi", "hello", "hey", "and", "or", "today",
     "tomorrow", "yesterday", "json", "use", "give", "get", "find", "show", "list", "ok", "okay", "thanks",
     "answer", "reply", "return", "respond", "question", "context", "call", "check", "look", "it", "my", "our",
     "also", "then", "now", "so", "in", "on", "at", "for", "to", "from", "of", "with"}
    | set(_MONTHS) | set(_DAYS)
)
_CAP_WORD = r"[A-Z](?:[A-Za-z'’.-]*[A-Za-z.])?(?![\w-])"
_PLACE = rf"{_CAP_WORD}(?:[ -](?:{_CAP_WORD}|de|del|la|le|am|upon|on-sea))*(?:, ?{_CAP_WORD}(?: {_CAP_WORD})*)?"
_PLACE_AFTER = re.compile(rf"\b(?:in|at|for|from|to|near|of|around|about|into|visiting)\s+(?:the\s+)?({_PLACE})")
_ONLY_PLACE = re.compile(rf"^\s*(?:(?:[Aa]nd|[Oo]r|[Nn]ow|[Aa]lso|[Tt]hen)\s+)?({_PLACE})\s*[?.!]*\s*$")  # "And Rome?"
_LOWER_PLACE = re.compile(r"\b(?:in|at|for|near)\s+([a-z][a-z'-]+(?: [a-z][a-z'-]+)??)(?=\s*(?:[?.!,;]|$|today|"
                          r"tomorrow|now|right|this|next|and|or))")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DATE = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
                         r"(?:,?\s+(\d{4}))?", re.I)
_DATE_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(m[:3] for m in _MONTHS)
                         + r")[a-z]*\.?(?:,?\s+(\d{4}))?", re.I)
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|\b(\d{1,2}):(\d{2})\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s\"'<>)]+")
_PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")
_NUMBER = re.compile(r"(?<![\w.-])-?\$?\d+(?:,\d{3})*(?:\.\d+)?%?")
_ID = re.compile(r"#?\b(?=[\w-]*\d)[A-Za-z]{0,6}[-_]?\d[\w-]*\b")
_NAME_AFTER = re.compile(rf"\b(?:my name is|name is|i am|i'm|call me|named|called|by|user|customer|dear|mr\.?|"
                         rf"ms\.?|mrs\.?|dr\.?)\s+({_CAP_WORD}(?: {_CAP_WORD})?)", re.I)
_NAME_WEAK = re.compile(rf"\b(?:for|to|from|with|and)\s+({_CAP_WORD}(?: {_CAP_WORD})?)")
_QUOTED = re.compile(r"[\"“']([^\"”']{1,200})[\"”']")

# Field names (as words) -> the kind of value they want.
_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("email", frozenset({"email", "mail"})),
    ("url", frozenset({"url", "link", "website", "uri", "href"})),
    ("phone", frozenset({"phone", "telephone", "mobile"})),
    ("date", frozenset({"date", "day", "when", "deadline", "birthday", "dob"})),
    ("time", frozenset({"time", "hour"})),
    ("location", frozenset({"city", "location", "place", "destination", "origin", "town", "region", "country",
                            "address", "where", "state", "area", "venue", "airport", "capital"})),
    ("id", frozenset({"id", "number", "code", "sku", "ticket", "order", "reference", "ref", "invoice", "account",
                      "tracking", "key", "no"})),
    ("person", frozenset({"name", "person", "user", "username", "author", "customer", "recipient", "contact",
                          "owner", "who", "first", "last", "full", "assignee"})),
    ("query", frozenset({"query", "q", "question", "search", "prompt", "input", "text", "message", "topic",
                         "keyword", "keywords", "term", "terms", "request", "content", "body", "expression"})),
)
DEFAULT_TODAY = date(2026, 1, 15)
MAX_TEXT = 50_000  # characters searched: a 3 MB prompt costs no more than a long one


def words_of(name: str) -> list[str]:
    """``orderId`` / ``order_id`` / ``Order-ID`` -> ["order", "id"]."""
    return list(_words_of(name))


@lru_cache(maxsize=4096)
def _words_of(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])|([A-Za-z])(\d)", r"\1\3 \2\4", name)
    return tuple(w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w)


@lru_cache(maxsize=4096)
def kind_of(name: str, fmt: str | None = None) -> str | None:
    if fmt in ("date", "date-time"):
        return "date"
    if fmt in ("email", "idn-email"):
        return "email"
    if fmt in ("uri", "url", "iri", "uri-reference"):
        return "url"
    if fmt == "time":
        return "time"
    ws = words_of(name)
    if not ws:
        return None
    for kind, keys in _KINDS:  # the last word says most ("customer_email" is an email)
        if ws[-1] in keys:
            return kind
    for kind, keys in _KINDS:
        if any(w in keys for w in ws):
            return kind
    return None


def places(text: str) -> list[str]:
    """Place names in the order they appear: capitalised after a preposition, then lower-case ones."""
    found: list[str] = []
    for match in _PLACE_AFTER.finditer(text):
        for part in re.split(r"\s+(?:and|or|&)\s+", re.split(r"(?<=[a-z]{3})\.\s", match[1])[0]):
            first = part.split(",")[0].split()[0].lower().strip(".'’")
            if first not in _NOT_NAMES and part not in found:
                found.append(part.rstrip(".,"))
    # "Paris and London": the places after the first one's conjunction
    for match in re.finditer(rf"\b(?:and|or|&)\s+({_PLACE})", text):
        part = match[1].rstrip(".,")
        if found and part.split()[0].lower() not in _NOT_NAMES and part not in found:
            found.append(part)
    if not found and (only := _ONLY_PLACE.match(text)) and only[1].split()[0].lower() not in _NOT_NAMES:
        found.append(only[1])  # a follow-up that names only the place
    if not found:
        for match in _LOWER_PLACE.finditer(text):
            head = match[1].split()[0]
            if head not in _NOT_NAMES and head not in _DAYS and head not in ("the", "a", "my", "this"):
                found.append(match[1].title())
    return found


def dates(text: str, today: date | None = None) -> list[date]:
    out: list[date] = []
    base = today or DEFAULT_TODAY
    for y, m, d in _ISO_DATE.findall(text):
        _add_date(out, int(y), int(m), int(d))
    for mon, d, y in _MONTH_DATE.findall(text):
        _add_date(out, int(y) if y else base.year, _month(mon), int(d))
    for d, mon, y in _DATE_MONTH.findall(text):
        _add_date(out, int(y) if y else base.year, _month(mon), int(d))
    for m, d, y in _SLASH_DATE.findall(text):
        _add_date(out, int(y), int(m), int(d))
    lowered = text.lower()
    for word, delta in (("today", 0), ("tonight", 0), ("tomorrow", 1), ("yesterday", -1)):
        if re.search(rf"\b{word}\b", lowered):
            out.append(base + timedelta(days=delta))
    for i, day in enumerate(_DAYS):
        if re.search(rf"\b(?:next |this |on )?{day}\b", lowered):
            out.append(base + timedelta(days=(i - base.weekday()) % 7 or 7))
    return out


def _month(name: str) -> int:
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name[:3].lower()))


def _add_date(out: list[date], y: int, m: int, d: int) -> None:
    with contextlib.suppress(ValueError):
        out.append(date(y, m, d))


def reference_date(text: str) -> date | None:
    """'Today is 2025-06-01' / 'Current date: March 3, 2025' in a prompt: what relative dates count from."""
    match = re.search(r"(?:today is|today's date is|current date(?: is)?:?|date today:?|the date is)\s*([^\n.]+)",
                      text, re.I)
    if not match:
        return None
    found = dates(match[1], DEFAULT_TODAY)
    return found[0] if found else None


def numbers(text: str) -> list[float]:
    out: list[float] = []
    for raw in _NUMBER.findall(_ISO_DATE.sub(" ", text)):
        try:
            out.append(float(raw.replace("$", "").replace(",", "").rstrip("%")))
        except ValueError:
            continue
    if not out:
        out = [float(_NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS]
    return out


def person_names(text: str) -> list[str]:
    out = [m[1] for m in _NAME_AFTER.finditer(text) if m[1][0].isupper() and m[1].split()[0].lower() not in _NOT_NAMES]
    where = set(places(text))
    weak = [m[1] for m in _NAME_WEAK.finditer(text)]
    loose = [m[1] for m in re.finditer(rf"(?<![.!?]\s)(?<!^)\b({_CAP_WORD}(?: {_CAP_WORD})?)", text)]
    for name in [*weak, *loose]:
        if name.split()[0].lower() not in _NOT_NAMES and name not in out and name not in where:
            out.append(name)
    return [re.split(r"(?<=[a-z]{3})\.\s", name)[0].rstrip(".") for name in out]


def ids(text: str, field_words: list[str]) -> list[str]:
    """Id-like tokens (``A-17``, ``1234``, ``ORD-9``), the one right after the field's own word first."""
    for w in field_words:
        if w in ("id", "number", "no"):
            continue
        near = re.search(rf"\b{re.escape(w)}s?\b\s*(?:id|number|no\.?|#)?\s*[:#]?\s*([\w-]*\d[\w-]*)", text, re.I)
        if near:
            return [near[1]]
    return [m.lstrip("#") for m in _ID.findall(_ISO_DATE.sub(" ", text))]


def keyphrase(text: str) -> str:
    """The question without its question words: what a search tool should be asked."""
    cleaned = re.sub(r"^(?:please\s+)?(?:can you|could you|would you|will you)?\s*(?:search|look up|find|tell me|"
                     r"what is|what's|what are|who is|how do i|how to)?\s*(?:for|about)?\s*", "", text.strip(),
                     flags=re.I)
    cleaned = re.sub(r"^(?:the|a|an)\s+", "", cleaned.rstrip("?.! "), flags=re.I)
    return cleaned or text.strip()


@dataclass
class Extractor:
    """Hands out values found in ``text`` for one call or one object, each number at most once."""

    text: str
    today: date | None = None
    _used_numbers: int = 0
    _used: set[str] = field(default_factory=set)
    _memo: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = self.text[:MAX_TEXT]
        self._numbers = numbers(self.text)
        if self.today is None:
            self.today = reference_date(self.text)

    def string(self, name: str, fmt: str | None = None, description: str = "", *,
               consume: bool = True) -> str | None:
        """A string for the field ``name``, or None when the text has nothing of that kind."""
        kind = kind_of(name, fmt) or (kind_of(description) if description else None)
        value = self._of_kind(kind, name, fmt)
        if value is not None and consume:
            self._used.add(value)
        return value

    def _of_kind(self, kind: str | None, name: str, fmt: str | None) -> str | None:
        key = (kind or "", fmt or "", *(words_of(name) if kind == "id" else ()))
        if key not in self._memo:  # a schema asks for the same kind many times: search the text once
            self._memo[key] = self._options(kind, name, fmt)
        options = self._memo[key]
        return self._fresh(options) if kind in ("location", "id", "person") else _first(options)

    def _options(self, kind: str | None, name: str, fmt: str | None) -> list[str]:
        text = self.text
        if kind == "email":
            return _EMAIL.findall(text)
        if kind == "url":
            return _URL.findall(text)
        if kind == "phone":
            return _PHONE.findall(text)
        if kind == "date":
            found = dates(text, self.today)
            return [d.isoformat() + ("T00:00:00Z" if fmt == "date-time" else "") for d in found]
        if kind == "time":
            match = _TIME.search(text)
            if not match:
                return []
            if match[1]:
                hour = int(match[1]) % 12 + (12 if match[3].lower() == "pm" else 0)
                return [f"{hour:02d}:{int(match[2] or 0):02d}"]
            return [f"{int(match[4]):02d}:{match[5]}"]
        if kind == "location":
            return places(text)
        if kind == "id":
            return ids(text, words_of(name))
        if kind == "person":
            return person_names(text)
        if kind == "query":
            return [keyphrase(text)]
        return _QUOTED.findall(text)[:1]

    def _fresh(self, options: list[str]) -> str | None:
        return next((o for o in options if o not in self._used), options[0] if options else None)

    def all_of(self, name: str, fmt: str | None = None, description: str = "") -> list[str]:
        """Every value of the field's kind (several cities: several calls)."""
        kind = kind_of(name, fmt) or (kind_of(description) if description else None)
        if kind == "location":
            return places(self.text)
        return []

    def number(self, name: str, *, consume: bool = True) -> float | None:
        """The number after the field's own word ('age 31', '31 years'), else the next unused one."""
        key = ("#", name)
        if key not in self._memo:
            self._memo[key] = self._near_numbers(name)
        if self._memo[key]:
            return float(self._memo[key][0])
        if self._used_numbers < len(self._numbers):
            self._used_numbers += 1 if consume else 0
            return self._numbers[self._used_numbers - (1 if consume else 0)]
        return None

    def _near_numbers(self, name: str) -> list[str]:
        for w in words_of(name):
            near = re.search(rf"\b{re.escape(w)}\w*\b\D{{0,12}}?(-?\d+(?:\.\d+)?)", self.text, re.I)
            if near:
                return [near[1]]
            before = re.search(rf"(-?\d+(?:\.\d+)?)\s*{re.escape(w)}", self.text, re.I)
            if before:
                return [before[1]]
        return []

    def mentions(self, value: str) -> bool:
        return bool(re.search(rf"\b{re.escape(value.lower())}\b", self.text.lower()))

    def enum(self, options: list[object]) -> object | None:
        """The option the text names (case-insensitive, whole word), else None."""
        lowered = self.text.lower()
        asked = set(terms(self.text))
        for option in options:
            if isinstance(option, str) and option and (
                re.search(rf"\b{re.escape(option.lower())}\b", lowered) or set(terms(option)) & asked
            ):
                return option
        return None


def _first(found: list[str]) -> str | None:
    return found[0] if found else None
