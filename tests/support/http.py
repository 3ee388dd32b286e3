"""REST helpers over real HTTP (httpx) for tests that run the app on uvicorn."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.factories import PASSWORD, Account


async def register_http(client: httpx.AsyncClient, name: str = "Ada Candidate") -> Account:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert response.status_code == 201, response.text
    client.cookies.clear()
    data = response.json()["data"]
    return Account(email=email, password=PASSWORD, token=data["access_token"], user=data["user"])


async def new_session(client: httpx.AsyncClient, account: Account, **overrides: Any) -> dict[str, Any]:
    body = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend engineer"}
    body.update(overrides)
    response = await client.post("/api/sessions", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["data"]["session"]
    return session
