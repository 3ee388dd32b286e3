"""JWT auth through Litestar's JWTCookieAuth: header for programs, httpOnly cookie for browsers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTCookieAuth, Token

from coach.auth.access import ISSUED_MS, LogoutStamps, to_ms
from coach.auth.revocation import RevocationList
from coach.clock import utcnow
from coach.settings import Settings
from coach.store.models import User

FindUser = Callable[[uuid.UUID], Awaitable[User | None]]

ISSUER = "coach"
COOKIE = "coach_token"
ALGORITHM = "HS256"


def build_jwt_auth(
    settings: Settings, logouts: LogoutStamps, revocations: RevocationList, find_user: FindUser
) -> JWTCookieAuth[User, Token]:
    """The auth config: HS256 only, issuer and expiry checked, revoked ids refused."""

    async def retrieve_user(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        try:
            user_id = uuid.UUID(token.sub)
        except ValueError:
            return None
        if await logouts.denies(token):  # issued before a "log out everywhere"
            return None
        return await find_user(user_id)

    async def is_revoked(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> bool:
        return await revocations.is_revoked(str(token.jti) if token.jti else None)

    return JWTCookieAuth[User, Token](
        retrieve_user_handler=retrieve_user,
        revoked_token_handler=is_revoked,
        token_secret=settings.secret_key,
        algorithm=ALGORITHM,
        default_token_expiration=settings.access_token_lifetime,
        accepted_issuers=[ISSUER],
        require_claims=["exp", "iat", "jti", "sub"],
        key=COOKIE,
        samesite="lax",
        secure=settings.is_prod,
        path="/",
        exclude=["^/schema", "^/health", "^/metrics"],
        exclude_opt_key="exclude_from_auth",
        description="JWT from POST /api/auth/login, as `Authorization: Bearer <token>` or the login cookie.",
    )


def issue_token(auth: JWTCookieAuth[User, Token], user: User, lifetime: timedelta) -> str:
    """A fresh signed access token for the user, with a unique id for revocation."""
    return auth.create_token(
        identifier=str(user.id),
        token_expiration=lifetime,
        token_issuer=ISSUER,
        token_unique_jwt_id=uuid.uuid4().hex,
        # `iat` has whole seconds; "log out everywhere" needs to tell a token issued just after it.
        token_extras={ISSUED_MS: to_ms(utcnow())},
    )
