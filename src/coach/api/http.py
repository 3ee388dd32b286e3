"""Every HTTP response: a request id, an access log line, security headers, sliding token renewal.

The request id is set by an ASGI middleware; headers and the log line come from a
`before_send` hook, which also sees responses built by Litestar's exception handling.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.security.jwt import Token
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from coach.clock import utcnow
from coach.logs import request_id_var

access_log = logging.getLogger("coach.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The OpenAPI explorer (Swagger UI, served from our own /vendor files) boots with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'"
)
_STATE_ID = "coach_request_id"
_STATE_START = "coach_request_start"


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Take a sane X-Request-ID from the client or make one; expose it to logs via a context variable."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
            request_id = (
                incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex[:16]
            )
            state = scope.setdefault("state", {})
            state[_STATE_ID] = request_id
            state[_STATE_START] = time.perf_counter()
            request_id_var.set(request_id)
        await app(scope, receive, send)

    return middleware


def response_hook(
    *, hsts: bool, renew: Callable[[Scope], str | None] | None = None
) -> Callable[[Message, Scope], Awaitable[None]]:
    """A before_send hook adding headers and logging each response once; `renew` may add a Set-Cookie."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        state: dict[str, Any] = scope.get("state", {})
        request_id = state.get(_STATE_ID) or uuid.uuid4().hex[:16]
        status: int = message["status"]
        path: str = scope["path"]
        headers = MutableScopeHeaders.from_message(message)
        headers["X-Request-ID"] = request_id
        headers["Content-Security-Policy"] = DOCS_CSP if path.startswith("/schema") else CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if renew is not None and status < 400:
            cookie = renew(scope)
            if cookie:
                headers.add("Set-Cookie", cookie)
        started = state.get(_STATE_START)
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        access_log.info(
            "%s %s %s %.1fms",
            scope.get("method", "-"),
            path,
            status,
            elapsed,
            extra={"status": status, "path": path, "method": scope.get("method"), "request_id": request_id},
        )

    return before_send


def needs_renewal(auth: object, lifetime: timedelta) -> bool:
    """Whether a token is past half its life (sliding renewal keeps active users logged in)."""
    if not isinstance(auth, Token):
        return False
    return auth.exp - utcnow() < lifetime / 2
