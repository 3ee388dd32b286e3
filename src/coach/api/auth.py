"""POST /api/auth/register, login, refresh and logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody
from litestar.security.jwt import Token

from coach.api.csrf import CSRF_COOKIE, JSON_ONLY, csrf_cookie
from coach.api.deps import DbSession, RuntimeDep
from coach.api.envelope import Envelope
from coach.api.errors import error_responses
from coach.api.schemas import LoginIn, RegisterIn, TokenOut, UserOut
from coach.auth.jwt import COOKIE, issue_token
from coach.clock import utcnow
from coach.runtime import Runtime
from coach.services import accounts
from coach.store.models import User


def _login_response(
    runtime: Runtime, request: Request[Any, Any, Any], user: User, status: int, message: str
) -> Response[Envelope[TokenOut]]:
    lifetime = runtime.settings.access_token_lifetime
    token = issue_token(runtime.jwt_auth, user, lifetime)
    body = Envelope(
        data=TokenOut(
            access_token=token,
            token_type="Bearer",  # noqa: S106 - the scheme name, not a secret
            expires_in=int(lifetime.total_seconds()),
            user=UserOut.of(user),
        ),
        message=message,
    )
    cookies = [auth_cookie(runtime, token, lifetime), csrf_cookie(runtime.settings.is_prod)]
    return Response(body, status_code=status, cookies=cookies)


def auth_cookie(runtime: Runtime, token: str, lifetime: timedelta) -> Cookie:
    """The httpOnly login cookie Litestar's JWTCookieAuth reads."""
    return Cookie(
        key=COOKIE,
        value=f"Bearer {token}",
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=runtime.settings.is_prod,
        path="/",
    )


class AuthController(Controller):
    """Accounts and sessions of the login kind."""

    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/register",
        exclude_from_auth=True,
        opt={"rate_limited": True, JSON_ONLY: True},
        status_code=201,
        responses=error_responses(400, 403, 409, 413, 415, 422, 429, 503),
    )
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn], db: DbSession, runtime: RuntimeDep
    ) -> Response[Envelope[TokenOut]]:
        """Create an account and log in. 409 if the email is taken."""
        user = await accounts.register(
            db,
            runtime.hasher,
            runtime.register_limit,
            email=data.email,
            password=data.password,
            name=data.name,
        )
        return _login_response(runtime, request, user, 201, "Account created.")

    @post(
        "/login",
        exclude_from_auth=True,
        opt={"rate_limited": True, JSON_ONLY: True},
        status_code=200,
        responses=error_responses(400, 401, 403, 413, 415, 422, 429, 503),
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], db: DbSession, runtime: RuntimeDep
    ) -> Response[Envelope[TokenOut]]:
        """Exchange email and password for an access token (also set as an httpOnly cookie)."""
        user = await accounts.authenticate(
            db, runtime.hasher, runtime.login_guard, email=data.email, password=data.password
        )
        return _login_response(runtime, request, user, 200, "Logged in.")

    @post("/refresh", status_code=200, opt={JSON_ONLY: True}, responses=error_responses(401, 403, 415))
    async def refresh(
        self, request: Request[User, Token, Any], runtime: RuntimeDep
    ) -> Response[Envelope[TokenOut]]:
        """Swap a valid token for a fresh one; the old one stops working (one token in, one out)."""
        if not await runtime.revocations.revoke(str(request.auth.jti or ""), request.auth.exp):
            raise NotAuthorizedException("This token was already refreshed or revoked.")
        return _login_response(runtime, request, request.user, 200, "Token renewed.")

    @post("/logout", status_code=200, responses=error_responses(401))
    async def logout(
        self, request: Request[User, Token, Any], runtime: RuntimeDep
    ) -> Response[Envelope[None]]:
        """Revoke the token in use at once, clear the cookie and close the user's open sockets (4401)."""
        await runtime.revocations.revoke(str(request.auth.jti or ""), request.auth.exp)
        await _close_sockets(runtime, request.user)
        return _logged_out("Logged out.")

    @post("/logout-all", status_code=200, responses=error_responses(401))
    async def logout_all(
        self, request: Request[User, Token, Any], runtime: RuntimeDep
    ) -> Response[Envelope[None]]:
        """Log out everywhere: every token of the user issued so far stops working, on every
        instance, and every open socket of the user closes (4401)."""
        await runtime.logouts.log_out_everywhere(request.user.id, utcnow())
        await _close_sockets(runtime, request.user)
        return _logged_out("Logged out everywhere.")


async def _close_sockets(runtime: Runtime, user: User) -> None:
    # After the revocation is stored: a socket that re-checks on its next message sees it too.
    if runtime.sockets is not None:
        await runtime.sockets.log_out(user.id)


def _logged_out(message: str) -> Response[Envelope[None]]:
    response: Response[Envelope[None]] = Response(Envelope(data=None, message=message))
    response.delete_cookie(COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
