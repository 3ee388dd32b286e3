"""The OpenAPI document states the limits the server enforces (what schemathesis relies on)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from coach.protocol import NO_NUL
from tests.support.factories import PASSWORD
from tests.support.factories import register as register_account

Client = AsyncTestClient[Litestar]
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def openapi(client: Client) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@sqlite_only
async def test_request_bodies_forbid_unknown_fields(client: Client) -> None:
    document = await openapi(client)
    schemas = document["components"]["schemas"]
    bodies = [
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for item in document["paths"].values()
        for op in item.values()
        if "requestBody" in op
    ]
    assert {"RegisterIn", "LoginIn", "ProfilePatch", "SessionCreate", "AnswerIn"} <= set(bodies)
    for name in bodies:
        assert schemas[name].get("additionalProperties") is False, name
    refused = await client.post(
        "/api/auth/login", json={"email": "a@example.com", "password": PASSWORD, "admin": True}
    )
    assert refused.status_code == 400


@sqlite_only
async def test_register_limits_in_the_schema_are_the_servers(client: Client) -> None:
    fields = (await openapi(client))["components"]["schemas"]["RegisterIn"]["properties"]
    assert fields["name"]["maxLength"] == 100
    assert (fields["password"]["minLength"], fields["password"]["maxLength"]) == (8, 128)
    max_name = fields["name"]["maxLength"]

    async def register(name: str, password: str = PASSWORD) -> int:
        body = {"email": f"n{len(name)}-{len(password)}@example.com", "password": password, "name": name}
        return (await client.post("/api/auth/register", json=body)).status_code

    assert await register("n" * max_name) == 201
    assert await register("n" * (max_name + 1)) in (400, 422)
    assert await register("Ada", "a1b2c3d") in (400, 422)  # one under minLength
    assert await register("Ada", "x" * 129) in (400, 422)


@sqlite_only
async def test_every_status_the_server_answers_is_documented(client: Client) -> None:
    paths = (await openapi(client))["paths"]
    for path, item in paths.items():
        for method, op in item.items():
            statuses = set(op["responses"])
            public = op.get("security") == []
            if not public:
                assert "401" in statuses, f"{method} {path}"
            if "requestBody" in op:
                assert {"400", "413", "422"} <= statuses, f"{method} {path}"
    for path in ("/api/auth/login", "/api/auth/register"):
        assert {"403", "415", "429"} <= set(paths[path]["post"]["responses"])
        assert paths[path]["post"]["security"] == []
    assert {"403", "415"} <= set(paths["/api/auth/refresh"]["post"]["responses"])
    assert paths["/health"]["get"]["security"] == []


async def test_strings_with_a_nul_character_are_refused_not_a_500(client: Client) -> None:
    """PostgreSQL text cannot hold NUL: the schema forbids it (pattern) and the server answers 400."""
    created = await client.post(
        "/api/auth/register", json={"email": "nul@example.com", "password": PASSWORD, "name": "Ad\u0000a"}
    )
    assert created.status_code == 400
    assert created.json()["field"] == "name"
    account = await register_account(client)
    session = await client.post(
        "/api/sessions",
        headers=account.headers,
        json={"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "x\u0000"},
    )
    assert session.status_code == 400
    assert session.json()["field"] == "role"
    pattern = (await openapi(client))["components"]["schemas"]["SessionCreate"]["properties"]["role"][
        "pattern"
    ]
    assert pattern == NO_NUL
