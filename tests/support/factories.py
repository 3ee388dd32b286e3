"""Test data: users registered through the real API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

PASSWORD = "correct horse battery staple"


@dataclass
class Account:
    email: str
    password: str
    token: str
    user: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(client: AsyncTestClient[Any], name: str = "Ada Candidate", **extra: Any) -> Account:
    """A fresh account, logged in; the client's cookie jar is left empty."""
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert response.status_code == 201, response.text
    client.cookies.clear()
    data = response.json()["data"]
    return Account(email=email, password=PASSWORD, token=data["access_token"], user=data["user"])
