"""CSRF protection for cookie-authenticated, state-changing requests (double-submit token).

Bearer-token clients are not exposed to CSRF (browsers never attach the header on their
own), so only requests that ride on the login cookie must echo the `coach_csrf` cookie
in the X-CSRF-Token header.

Login CSRF (a cross-site form logging the victim into the attacker's account) is refused on
the routes marked `opt={JSON_ONLY: True}` (login, register, refresh): their body must be
`application/json`, which a cross-site form cannot send without a CORS preflight, and a
browser's Origin (or Referer, when it sends no Origin) must be one of ours. Requests with
neither header come from programs (curl, scripts), which CSRF cannot drive, and pass.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from coach.auth.jwt import COOKIE

CSRF_COOKIE = "coach_csrf"
CSRF_HEADER = "x-csrf-token"
JSON_ONLY = "json_only"
"""Route opt: accept only a JSON body (or none) and, from browsers, only our Origin."""
_SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}


def csrf_cookie(secure: bool) -> Cookie:
    """A fresh token the browser app reads and echoes (not httpOnly, by design)."""
    return Cookie(
        key=CSRF_COOKIE,
        value=secrets.token_urlsafe(24),
        httponly=False,
        samesite="strict",
        secure=secure,
        path="/",
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def check_json_body(request: Request[Any, Any, Any]) -> None:
    """415 unless the body is `application/json`; a request without Content-Type must have no body."""
    if "content-type" in request.headers:
        media_type, _ = request.content_type
        if media_type.lower() == "application/json":
            return
    elif request.headers.get("content-length", "0") == "0" and "transfer-encoding" not in request.headers:
        return
    raise HTTPException(
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail="Send the body as JSON, with Content-Type: application/json.",
    )


def check_origin(request: Request[Any, Any, Any], allowed: frozenset[str]) -> None:
    """403 if a browser says the request comes from a page that is not ours."""
    origin = request.headers.get("origin")
    if origin is None and (referer := request.headers.get("referer")):
        origin = _origin(referer)
    if origin is not None and origin.rstrip("/") not in allowed:
        raise PermissionDeniedException("Cross-site request refused: this page is not allowed to sign in.")


def csrf_guard(allowed: frozenset[str]) -> Callable[[Request[Any, Any, Any]], Awaitable[None]]:
    """The before-request hook that checks CSRF, with the origins a browser may sign in from."""

    async def check(request: Request[Any, Any, Any]) -> None:
        await check_csrf(request, allowed)

    return check


async def check_csrf(request: Request[Any, Any, Any], allowed: frozenset[str]) -> None:
    """Refuse an unsafe request authenticated only by the cookie unless it carries the matching token."""
    if request.route_handler.opt.get(JSON_ONLY) and request.method not in _SAFE:
        check_json_body(request)
        check_origin(request, allowed)
    if request.method in _SAFE or "authorization" in request.headers or COOKIE not in request.cookies:
        return
    if request.route_handler.opt.get("exclude_from_auth"):
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected, given):
        raise PermissionDeniedException(
            "Missing or wrong CSRF token: send the coach_csrf cookie as X-CSRF-Token."
        )
