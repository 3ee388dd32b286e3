"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from coach.app import create_app
from coach.settings import Settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_health_is_ok(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["data"] == {"status": "ok"}


async def test_ready_checks_each_configured_dependency(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    checks = {c["name"]: c["ok"] for c in response.json()["data"]["checks"]}
    expected = {"database": True, "redis": True} if settings.redis_url else {"database": True}
    assert checks == expected


async def test_ready_reports_a_stopped_redis_as_503(settings: Settings) -> None:
    broken = dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    async with AsyncTestClient(create_app(broken, configure_logs=False)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()["data"]
    assert body["ready"] is False
    assert {c["name"]: c["ok"] for c in body["checks"]} == {"database": True, "redis": False}


async def test_ready_reports_a_stopped_database_as_503(settings: Settings, tmp_path: Path) -> None:
    if settings.is_sqlite:
        (tmp_path / "not-a-dir").write_text("")
        url = f"sqlite+aiosqlite:///{tmp_path}/not-a-dir/coach.db"
    else:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/coach"
    broken = dataclasses.replace(settings, database_url=url)
    app = create_app(broken, configure_logs=False)
    async with AsyncTestClient(app) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    checks = {c["name"]: c["ok"] for c in response.json()["data"]["checks"]}
    assert checks["database"] is False


async def test_openapi_documents_every_endpoint_and_error_shape(client: AsyncTestClient[Litestar]) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    paths = spec["paths"]
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/logout", "/api/me", "/health/ready"):
        assert path in paths
    ui = await client.get("/schema")
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in ui.text  # served by us, no CDN
    assert "cdn." not in ui.text
    bundle = await client.get("/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200, "build the web app first (make web)"
    assert ui.status_code == 200
    assert "<html" in ui.text.lower()
    login = paths["/api/auth/login"]["post"]["responses"]
    assert {"200", "400", "401", "429", "500"} <= set(login)
    assert "ErrorBody" in str(login["401"])
