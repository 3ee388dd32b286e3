"""Login CSRF: login, register and refresh take only JSON and, from browsers, only our Origin."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.store.models import User
from tests.support.factories import PASSWORD, register

Client = AsyncTestClient[Litestar]
OURS = "http://127.0.0.1:8000"
EVIL = "http://attacker.example"


async def count_users(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


# What a cross-site form (or a no-cors fetch of an untyped Blob) can send without a preflight.
NOT_JSON = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]


@pytest.mark.parametrize("content_type", NOT_JSON)
async def test_register_and_login_refuse_bodies_that_are_not_json(
    client: Client, db: async_sessionmaker[AsyncSession], content_type: str | None
) -> None:
    account = await register(client)
    headers = {"Content-Type": content_type} if content_type else {}
    body = {"email": "new@example.com", "password": PASSWORD, "name": "New"}
    # The text/plain form trick: the whole JSON object in one field name and value.
    created = await client.post("/api/auth/register", content=json.dumps(body).encode(), headers=headers)
    login = await client.post(
        "/api/auth/login",
        content=json.dumps({"email": account.email, "password": PASSWORD}).encode(),
        headers=headers,
    )
    for response in (created, login):
        assert response.status_code == 415, response.text
        assert response.json()["error"] == "unsupported_media_type"
        assert "application/json" in response.json()["message"]
        assert "coach_token" not in response.headers.get("set-cookie", "")
    assert await count_users(db) == 1


async def test_refresh_refuses_a_body_that_is_not_json_but_takes_none(client: Client) -> None:
    account = await register(client)
    refused = await client.post(
        "/api/auth/refresh", content=b"x=1", headers={**account.headers, "Content-Type": "text/plain"}
    )
    assert refused.status_code == 415
    assert refused.json()["error"] == "unsupported_media_type"
    ok = await client.post("/api/auth/refresh", headers=account.headers)  # curl -X POST, no body
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},  # a sandboxed iframe or a data: page
        {"Referer": f"{EVIL}/trap.html"},  # a browser that sends no Origin
        {"Origin": "http://127.0.0.1:8001"},  # another port is another origin
    ],
)
async def test_a_foreign_page_cannot_log_in_register_or_refresh(
    client: Client, db: async_sessionmaker[AsyncSession], headers: dict[str, str]
) -> None:
    account = await register(client)
    login = await client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}, headers=headers
    )
    created = await client.post(
        "/api/auth/register",
        json={"email": "new@example.com", "password": PASSWORD, "name": "New"},
        headers=headers,
    )
    refresh = await client.post("/api/auth/refresh", headers={**account.headers, **headers})
    for response in (login, created, refresh):
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "forbidden"
        assert "coach_token" not in response.headers.get("set-cookie", "")
    assert await count_users(db) == 1
    assert (await client.get("/api/me", headers=account.headers)).status_code == 200  # not refreshed


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl and scripts send neither Origin nor Referer
        {"Origin": OURS},
        {"Origin": "http://localhost:8000/"},
        {"Referer": f"{OURS}/#/login"},
    ],
)
async def test_our_pages_and_programs_still_log_in(client: Client, headers: dict[str, str]) -> None:
    account = await register(client)
    response = await client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert "coach_token=" in response.headers["set-cookie"]
    with_charset = await client.post(
        "/api/auth/login",
        content=json.dumps({"email": account.email, "password": PASSWORD}).encode(),
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    assert with_charset.status_code == 200
