"""CSRF protection for cookie-authenticated, state-changing requests (double-submit token).

Bearer-token clients are not exposed to CSRF (browsers never attach the header on their
own), so only requests that ride on the login cookie must echo the `coach_csrf` cookie
in the X-CSRF-Token header.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException

from coach.auth.jwt import COOKIE

CSRF_COOKIE = "coach_csrf"
CSRF_HEADER = "x-csrf-token"
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


async def check_csrf(request: Request[Any, Any, Any]) -> None:
    """Refuse an unsafe request authenticated only by the cookie unless it carries the matching token."""
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
