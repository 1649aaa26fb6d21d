"""What keeps other web pages and other hosts away from the editor's workspace.

The review desk listens on 127.0.0.1, but any page open in the same browser can still send it
requests, and a hostile domain can rebind its DNS name to 127.0.0.1. So every request passes:

* a **Host** check: the name in the Host header must be one the server was bound to (loopback
  names by default), which defeats DNS rebinding (the browser sends the attacker's name);
* for anything that changes the workspace (every method but GET and HEAD): a same-origin check
  (``Origin``, else ``Referer``, must be this server; ``Sec-Fetch-Site: cross-site`` is refused)
  and the per-server random token, in the ``X-Annotator-Token`` header (htmx sends it) or the
  ``_token`` form field. The token is made when the server starts and only ever shown in its own
  pages, which other origins cannot read.

Every answer carries a Content-Security-Policy that allows scripts and styles from this server
only (no inline script, no eval), so even a text that escaped its escaping could not run.

DOCS: docs/server.md#safety
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-annotator-token"
TOKEN_FIELD = "_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_BODY = 256 * 1024  # bytes; the desk only posts short forms

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def new_token() -> str:
    """A fresh per-server secret for state-changing requests."""
    return secrets.token_urlsafe(32)


_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?")


def _split_host(value: str) -> tuple[str, str] | None:
    """'[::1]:8000' -> ('::1', '8000'); 'localhost' -> ('localhost', ''); None when the value
    is not exactly a host and an optional port ('127.0.0.1:80@evil.example')."""
    m = _HOST.fullmatch(value.strip().lower())
    if m is None:
        return None
    return m.group(1).strip("[]"), m.group(2) or ""


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware: Host check, same-origin and token check on writes, security headers."""

    def __init__(self, app: ASGIApp, *, token: str, hosts: Iterable[str] = LOOPBACK_NAMES,
                 any_ip: bool = False) -> None:
        self.app = app
        self.token = token
        self.hosts = frozenset(h.strip("[]").lower() for h in hosts)
        self.any_ip = any_ip  # bound to a wildcard address: IP literals are not rebinding

    def host_ok(self, host: str, port: int | None = None) -> bool:
        """The Host header names this server exactly: a bound name, and this port if any."""
        split = _split_host(host)
        if split is None:
            return False
        name, given = split
        if given and port is not None and int(given) != port:
            return False
        return name in self.hosts or (self.any_ip and _is_ip(name))

    def origin_ok(self, headers: dict[str, str], host: str, scheme: str = "http") -> bool:
        """The page that sent a write is one of this server's: same scheme, host and port."""
        if headers.get("sec-fetch-site", "") == "cross-site":
            return False
        origin = headers.get("origin") or headers.get("referer")
        if not origin or origin == "null":
            return False
        parts = urlsplit(origin)
        return parts.scheme == scheme and parts.netloc.lower() == host.strip().lower()

    def token_ok(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        server = scope.get("server")
        if not self.host_ok(host, server[1] if server and server[1] else None):
            await _refuse(send, 421, "This server answers to its own address only "
                                     f"(got Host: {host or 'none'}).")
            return
        if scope["method"] not in SAFE_METHODS:
            if not self.origin_ok(headers, host, scope.get("scheme", "http")):
                await _refuse(send, 403, "Refused: the request did not come from a page of this "
                                         "review desk.")
                return
            body = await _read_body(receive)
            if body is None:
                await _refuse(send, 413, "Request too large.")
                return
            given = headers.get(TOKEN_HEADER) or _form_token(body, headers)
            if not self.token_ok(given):
                await _refuse(send, 403, "Refused: this request lacks the review desk's token; "
                                         "reload the page and try again.")
                return
            receive = _replay(body, receive)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when it is over MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _form_token(body: bytes, headers: dict[str, str]) -> str:
    if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return ""
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        if key == TOKEN_FIELD:
            return value
    return ""


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that hands the already read body to the app, then the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
