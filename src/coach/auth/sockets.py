"""Authenticating a WebSocket with the same JWT as REST, from the header or the login cookie."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import WebSocket
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTCookieAuth, Token

from coach.auth.jwt import ISSUER, FindUser
from coach.store.models import User

TokenCheck = Callable[[Token], Awaitable[bool]]
"""Whether a token may still act (unexpired, not revoked, not logged out everywhere)."""


def origin_allowed(connection: ASGIConnection[Any, Any, Any, Any], allowed: frozenset[str]) -> bool:
    """No Origin (a non-browser client) is fine; a browser's Origin must be ours."""
    origin = connection.headers.get("origin")
    return origin is None or origin.rstrip("/") in allowed


@dataclass(frozen=True, slots=True)
class Admitted:
    """An authenticated socket: its user and the token it came with (which it answers to while open)."""

    user: User
    token: Token


async def socket_user(
    connection: ASGIConnection[Any, Any, Any, Any],
    holds: TokenCheck,
    find_user: FindUser,
    auth: JWTCookieAuth[User, Token],
) -> Admitted | None:
    """The user the connection's token names, with the token, if it is valid and still holds."""
    encoded = (
        connection.headers.get("authorization", "").partition(" ")[-1]
        or connection.cookies.get(auth.key, "").split(" ")[-1]
    )
    if not encoded:
        return None
    try:
        token = auth.token_cls.decode(
            encoded_token=encoded,
            secret=auth.token_secret,
            algorithm=auth.algorithm,
            issuer=[ISSUER],
            require_claims=auth.require_claims,
        )
    except NotAuthorizedException:
        return None
    if not await holds(token):
        return None
    try:
        user_id = uuid.UUID(token.sub)
    except ValueError:
        return None
    user = await find_user(user_id)
    return Admitted(user, token) if user is not None else None


CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class SocketGate:
    """What admitting a socket needs: the JWT config, the allowed origins, the token and user checks.

    A plain class, not a dataclass: Litestar's dependency check would otherwise walk into the
    annotations of Litestar's own JWT config, which name types it only imports for type checking.
    """

    __slots__ = ("auth", "find_user", "holds", "origins")

    def __init__(
        self,
        auth: JWTCookieAuth[User, Token],
        origins: frozenset[str],
        holds: TokenCheck,
        find_user: FindUser,
    ) -> None:
        self.auth = auth
        self.origins = origins
        self.holds = holds
        self.find_user = find_user


async def admit(socket: WebSocket[Any, Any, Any], gate: SocketGate) -> Admitted | None:
    """Check Origin (refused before the upgrade), accept, then authenticate (4401 if not).

    Returns the user and token, or None once the socket has been refused and closed; no data
    flows before this says yes. The socket must then watch its token (`coach.auth.watch`).
    """
    if not origin_allowed(socket, gate.origins):
        await socket.close(code=CLOSE_FORBIDDEN, reason="origin not allowed")
        return None
    admitted = await socket_user(socket, gate.holds, gate.find_user, gate.auth)
    await socket.accept()
    if admitted is None:
        await socket.close(code=CLOSE_UNAUTHENTICATED, reason="authentication required")
    return admitted
