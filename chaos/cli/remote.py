"""Talking to a running firedrill server from the CLI: URL and token options, clear failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
import httpx

from chaos.errors import ConnectError, DrillError

F = TypeVar("F", bound=Callable[..., Any])


def server_options(func: F) -> F:
    """``--url`` (env FIREDRILL_URL) and ``--token`` (env FIREDRILL_TOKEN) on a responder's command."""
    func = click.option("--token", envvar="FIREDRILL_TOKEN", default="", show_envvar=True,
                        help="Your token (the join code, or the personal token `firedrill join` printed).")(func)
    return _url_option(func)


def facilitator_options(func: F) -> F:
    """``--url`` and ``--token`` for the facilitator's commands: FIREDRILL_ADMIN_TOKEN first, then FIREDRILL_TOKEN."""
    func = click.option("--token", envvar=["FIREDRILL_ADMIN_TOKEN", "FIREDRILL_TOKEN"], default="",
                        show_envvar=True, help="The facilitator token `firedrill run` (or serve) printed.")(func)
    return _url_option(func)


def _url_option(func: F) -> F:
    return click.option("--url", envvar="FIREDRILL_URL", default="http://127.0.0.1:8000", show_default=True,
                        show_envvar=True, help="Base URL of the running firedrill server.")(func)


def call(method: str, url: str, path: str, token: str, body: Any = None, *,
         headers: dict[str, str] | None = None, timeout_s: float = 30.0) -> Any:
    """One request; every failure becomes a ConnectError or DrillError that says what to do."""
    token = token.strip()
    if not token:
        raise ConnectError("no token given: pass --token, or set FIREDRILL_TOKEN (responders) or "
                           "FIREDRILL_ADMIN_TOKEN (facilitator); `firedrill run` prints both")
    try:
        response = httpx.request(method, url.rstrip("/") + path, json=body, timeout=timeout_s,
                                 headers={"authorization": f"Bearer {token}", **(headers or {})})
    except httpx.HTTPError as exc:
        raise ConnectError(f"cannot reach firedrill at {url} ({exc.__class__.__name__}); is it running? "
                           "Set --url or FIREDRILL_URL") from None
    if response.status_code in (401, 403):
        raise ConnectError(f"{url} refused the token ({response.status_code}): "
                           f"{_message(response)}. Set --token or FIREDRILL_TOKEN")
    if response.status_code >= 400:
        raise DrillError(f"{_message(response)} (HTTP {response.status_code})")
    return response.json()


def _message(response: httpx.Response) -> str:
    try:
        doc = response.json()
    except ValueError:
        return response.text[:200]
    err = doc.get("error", doc) if isinstance(doc, dict) else doc
    return err.get("message", json.dumps(err)) if isinstance(err, dict) else str(err)


def parse_pairs(pairs: tuple[str, ...], what: str) -> dict[str, Any]:
    """``k=v`` pairs; values parsed as JSON scalars where they are (``status=503`` is a number)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint=what)
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out
