"""Accounts and auth over the real ASGI app, on both backends."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.app import create_app
from coach.settings import Settings
from coach.store.models import User
from tests.support.factories import PASSWORD, register

Client = AsyncTestClient[Litestar]


async def count_users(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def test_register_logs_in_and_sets_an_httponly_cookie(client: Client) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": " Grace@Example.COM ", "password": PASSWORD, "name": "Grace Hopper"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"data", "message"}
    data = body["data"]
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 30 * 60
    assert data["user"]["email"] == "grace@example.com"
    cookie = response.headers["set-cookie"]
    assert "coach_token=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    me = await client.get("/api/me")  # the cookie alone authenticates a browser
    assert me.status_code == 200
    assert me.json()["data"]["name"] == "Grace Hopper"


async def test_duplicate_email_is_409_whatever_the_case(
    client: Client, db: async_sessionmaker[AsyncSession]
) -> None:
    account = await register(client)
    before = await count_users(db)
    response = await client.post(
        "/api/auth/register", json={"email": account.email.upper(), "password": PASSWORD, "name": "Other"}
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert await count_users(db) == before


async def test_login_returns_token_user_and_cookie(client: Client) -> None:
    account = await register(client)
    response = await client.post("/api/auth/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"access_token", "token_type", "expires_in", "user"}
    assert data["user"]["id"] == account.user["id"]
    assert "coach_token=" in response.headers["set-cookie"]


async def test_unknown_email_and_wrong_password_get_the_same_answer_in_similar_time(client: Client) -> None:
    account = await register(client)

    async def attempt(email: str) -> tuple[int, Any, float]:
        start = time.perf_counter()
        r = await client.post("/api/auth/login", json={"email": email, "password": "not the password"})
        return r.status_code, r.json(), time.perf_counter() - start

    # Interleaved, so a busy machine (parallel tests) slows both kinds alike.
    wrong: list[tuple[int, Any, float]] = []
    unknown: list[tuple[int, Any, float]] = []
    for _ in range(4):  # the account locks at the fifth failure
        wrong.append(await attempt(account.email))
        unknown.append(await attempt(f"nobody-{uuid.uuid4().hex[:6]}@example.com"))
    assert {(s, json.dumps(b, sort_keys=True)) for s, b, _ in wrong} == {
        (s, json.dumps(b, sort_keys=True)) for s, b, _ in unknown
    }
    assert wrong[0][0] == 401
    # An unknown email must still cost a hash verification, or timing would reveal which emails exist.
    # The fastest of each kind: the least disturbed by other work on the machine.
    assert min(t for *_, t in unknown) > 0.4 * min(t for *_, t in wrong)


async def test_stored_password_is_an_argon2id_hash_with_owasp_parameters(
    client: Client, db: async_sessionmaker[AsyncSession]
) -> None:
    account = await register(client)
    async with db() as session:
        user = await session.get(User, uuid.UUID(account.user["id"]))
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    params = dict(p.split("=") for p in user.password_hash.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 8"),
        ("password123", "too common"),
        ("x" * 129, "at most 128"),
        ("aaaaaaaaaaaa", "too common"),
    ],
)
async def test_weak_passwords_are_refused_and_nothing_is_stored(
    client: Client, db: async_sessionmaker[AsyncSession], password: str, fragment: str
) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "weak@example.com", "password": password, "name": "Weak"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input"
    assert body["field"] == "password"
    assert fragment in body["message"]
    assert await count_users(db) == 0


async def test_long_passwords_are_not_truncated(client: Client) -> None:
    long_password = "p" * 70 + "-suffix-that-matters"
    r = await client.post(
        "/api/auth/register", json={"email": "long@example.com", "password": long_password, "name": "L"}
    )
    assert r.status_code == 201
    truncated = await client.post(
        "/api/auth/login", json={"email": "long@example.com", "password": long_password[:72]}
    )
    assert truncated.status_code == 401
    full = await client.post("/api/auth/login", json={"email": "long@example.com", "password": long_password})
    assert full.status_code == 200


async def test_profile_read_and_update(client: Client) -> None:
    account = await register(client)
    response = await client.patch(
        "/api/me",
        headers=account.headers,
        json={
            "name": "Ada L.",
            "target_role": "Backend Engineer",
            "experience_level": "senior",
            "preferred_types": ["coding", "system_design"],
            "preferred_language": "go",
        },
    )
    assert response.status_code == 200, response.text
    me = (await client.get("/api/me", headers=account.headers)).json()["data"]
    assert me["name"] == "Ada L."
    assert me["experience_level"] == "senior"
    assert me["preferred_types"] == ["coding", "system_design"]
    assert me["preferred_language"] == "go"


@pytest.mark.parametrize(
    "body",
    [
        {"experience_level": "guru"},
        {"preferred_types": ["dancing"]},
        {"name": ""},
        {"unknown": 1},
        {"name": 5},
    ],
)
async def test_bad_profile_updates_change_nothing(client: Client, body: dict[str, Any]) -> None:
    account = await register(client)
    response = await client.patch("/api/me", headers=account.headers, json=body)
    assert response.status_code == 400
    assert set(response.json()) >= {"error", "message"}
    me = (await client.get("/api/me", headers=account.headers)).json()["data"]
    assert me["name"] == "Ada Candidate"
    assert me["experience_level"] is None
    assert me["preferred_types"] == []


async def test_logout_revokes_the_token_at_once(client: Client) -> None:
    account = await register(client)
    assert (await client.get("/api/me", headers=account.headers)).status_code == 200
    response = await client.post("/api/auth/logout", headers=account.headers)
    assert response.status_code == 200
    refused = await client.get("/api/me", headers=account.headers)
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"


async def test_refresh_issues_a_new_token_and_retires_the_old(client: Client) -> None:
    account = await register(client)
    response = await client.post("/api/auth/refresh", headers=account.headers)
    assert response.status_code == 200
    new_token = response.json()["data"]["access_token"]
    assert new_token != account.token
    client.cookies.clear()
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {new_token}"})).status_code == 200
    assert (await client.get("/api/me", headers=account.headers)).status_code == 401


async def test_cookie_past_half_its_life_is_renewed(client: Client, app: Litestar) -> None:
    account = await register(client)
    short = app.state.runtime.jwt_auth.create_token(
        identifier=account.user["id"],
        token_expiration=timedelta(minutes=5),
        token_issuer="coach",
        token_unique_jwt_id=uuid.uuid4().hex,
    )
    client.cookies.set("coach_token", f"Bearer {short}")
    response = await client.get("/api/me")
    assert response.status_code == 200
    renewed = response.headers.get("set-cookie", "")
    assert "coach_token=" in renewed
    assert short not in renewed


def _forge(claims: dict[str, Any], header: dict[str, Any], secret: str | None) -> str:
    def b64(part: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    if secret is None:
        return f"{b64(header)}.{b64(claims)}."
    return jwt.encode(claims, secret, algorithm=header["alg"], headers={"typ": "JWT"})


@pytest.mark.parametrize(
    "case", ["expired", "tampered", "alg_none", "other_alg", "other_secret", "no_jti", "garbage"]
)
async def test_bad_tokens_are_refused(client: Client, settings: Settings, case: str) -> None:
    account = await register(client)
    now = int(time.time())
    claims = {
        "sub": account.user["id"],
        "iat": now,
        "exp": now + 600,
        "iss": "coach",
        "jti": uuid.uuid4().hex,
    }
    if case == "expired":
        token = _forge(
            {**claims, "iat": now - 7200, "exp": now - 3600}, {"alg": "HS256"}, settings.secret_key
        )
    elif case == "tampered":
        head, payload, sig = account.token.split(".")
        other = json.loads(base64.urlsafe_b64decode(payload + "=="))
        other["sub"] = str(uuid.uuid4())
        token = f"{head}.{base64.urlsafe_b64encode(json.dumps(other).encode()).rstrip(b'=').decode()}.{sig}"
    elif case == "alg_none":
        token = _forge(claims, {"alg": "none", "typ": "JWT"}, None)
    elif case == "other_alg":
        token = _forge(claims, {"alg": "HS512"}, settings.secret_key * 3)
    elif case == "other_secret":
        token = _forge(claims, {"alg": "HS256"}, "a-completely-different-secret-value-123456")
    elif case == "no_jti":
        token = _forge({k: v for k, v in claims.items() if k != "jti"}, {"alg": "HS256"}, settings.secret_key)
    else:
        token = "not.a.jwt"
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_protected_routes_need_a_token(client: Client) -> None:
    response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "message": "Authentication required: log in or send a valid bearer token.",
        "field": None,
        "details": None,
    }


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'{"email": "a@b.co", "password": ', "malformed_json"),
        (b'{"email": 5, "password": "abcdefghij", "name": "A"}', "invalid_input"),
        (b'{"email": "a@b.co"}', "invalid_input"),
        (b"[1, 2, 3]", "invalid_input"),
        (b'{"email": "a@b.co", "password": "abcdefghijk", "name": "A", "admin": true}', "invalid_input"),
    ],
)
async def test_bad_bodies_get_the_error_envelope_and_change_nothing(
    client: Client, db: async_sessionmaker[AsyncSession], content: bytes, error: str
) -> None:
    response = await client.post(
        "/api/auth/register", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["message"]
    assert await count_users(db) == 0


async def test_bad_email_names_the_field(client: Client) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "not-an-email", "password": PASSWORD, "name": "A"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "email"


async def test_oversize_body_is_413(client: Client, db: async_sessionmaker[AsyncSession]) -> None:
    response = await client.post(
        "/api/auth/register",
        content=b"{" + b" " * 400_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert await count_users(db) == 0


async def test_login_is_rate_limited_with_the_error_envelope(settings: Settings) -> None:
    import dataclasses

    app = create_app(dataclasses.replace(settings, login_rate_limit=3), configure_logs=False)
    async with AsyncTestClient(app) as client:
        statuses = []
        for _ in range(5):
            r = await client.post(
                "/api/auth/login", json={"email": "x@example.com", "password": "whatever123"}
            )
            statuses.append(r.status_code)
        assert statuses[:3] == [401, 401, 401]
        assert statuses[3:] == [429, 429]
        assert r.json()["error"] == "rate_limited"
        # Other routes are not limited.
        assert (await client.get("/health")).status_code == 200


async def test_every_response_carries_security_headers_and_a_request_id(client: Client) -> None:
    for path in ("/health", "/api/me", "/"):
        response = await client.get(path)
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]
        assert headers["x-request-id"]
    assert "strict-transport-security" not in headers  # dev


async def test_cors_allows_only_configured_origins(client: Client) -> None:
    ok = await client.options(
        "/api/me", headers={"Origin": "http://localhost:8000", "Access-Control-Request-Method": "GET"}
    )
    assert ok.headers.get("access-control-allow-origin") == "http://localhost:8000"
    bad = await client.options(
        "/api/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert bad.headers.get("access-control-allow-origin") is None


async def test_a_hash_with_old_parameters_is_upgraded_at_login(
    client: Client, db: async_sessionmaker[AsyncSession]
) -> None:
    from argon2 import PasswordHasher as Argon2

    account = await register(client)
    weak = Argon2(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with db() as session:
        user = await session.get(User, uuid.UUID(account.user["id"]))
        assert user is not None
        user.password_hash = weak
        await session.commit()
    response = await client.post("/api/auth/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200
    async with db() as session:
        user = await session.get(User, uuid.UUID(account.user["id"]))
        assert user is not None
        assert user.password_hash != weak
        assert "m=19456,t=2,p=1" in user.password_hash
