"""Admin routes: 403 for candidates, today's numbers for admins; /metrics; `coach create-admin`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.cli import main
from coach.commands.demo_data import Batch
from coach.services.admin import grant_admin
from coach.settings import Settings
from coach.store.engine import create_engine, create_session_factory
from coach.store.models import User
from tests.support.factories import Account, register
from tests.support.history import add_session, write

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
ADMIN_ROUTES = ["/api/admin/stats"]


async def make_admin(db: async_sessionmaker[AsyncSession], account: Account) -> None:
    async with db() as session:
        assert await grant_admin(session, account.email) == uuid.UUID(account.user["id"])
        await session.commit()


async def test_candidates_get_403_on_every_admin_route(
    client: AsyncTestClient[Litestar], backend: str
) -> None:
    candidate = await register(client)
    for path in ADMIN_ROUTES:
        response = await client.get(path, headers=candidate.headers)
        assert response.status_code == 403, path
        body = response.json()
        assert (body["error"], body["message"]) == ("forbidden", "This is for admins only.")
        assert (await client.get(path)).status_code == 401


async def test_stats_count_today(
    app: Litestar, client: AsyncTestClient[Litestar], db: async_sessionmaker[AsyncSession], backend: str
) -> None:
    app.state.runtime.clock.pin(NOW)
    admin = await register(client, "Root Admin")
    await make_admin(db, admin)
    batch = Batch()
    user_id = uuid.UUID(admin.user["id"])
    yesterday = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    add_session(batch, user_id, type="coding", created=yesterday, status="completed", score=5.0,
                answers=[(yesterday, 5.0, {})])  # fmt: skip
    today = datetime(2026, 3, 11, 11, 45, tzinfo=UTC)
    add_session(batch, user_id, type="coding", created=today, status="active", score=None,
                answers=[(today, 5.0, {}), (today, 6.0, {})])  # fmt: skip
    batch.evaluations[-1].update(model="gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=0)
    await write(db, batch)
    response = await client.get("/api/admin/stats", headers=admin.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["users"] == 1
    assert data["sessions_today"] == 1
    assert data["active_sessions"] == 1
    assert data["evaluations"] == {"pending": 0, "failed_today": 0, "done_today": 2}
    assert data["feedback_latency"] == {"samples": 2, "p50": 2.0, "p95": 2.0}
    assert data["llm"]["calls"] == 1
    assert data["llm"]["prompt_tokens"] == 1_000_000
    assert data["llm"]["cost_usd"] == 0.15
    assert data["since"].startswith("2026-03-11T00:00:00")


async def test_metrics_expose_http_socket_llm_and_queue_metrics(
    client: AsyncTestClient[Litestar], backend: str
) -> None:
    assert (await client.get("/health")).status_code == 200
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        'coach_http_request_duration_seconds_count{app_name="coach",method="GET",path="/health",status_code="200"}',
        "coach_http_requests_total",
        "coach_open_sockets ",
        "coach_open_sockets_cluster ",
        "coach_socket_messages_in_total ",
        "coach_socket_messages_out_total ",
        "coach_llm_calls_total ",
        "coach_llm_errors_total ",
        'coach_llm_tokens_total{kind="prompt"}',
        "coach_llm_last_latency_seconds ",
        "coach_evaluation_queue_depth 0.0",
        "coach_feedback_latency_seconds_bucket",
    ):
        assert name in text, name


def test_create_admin_grants_the_role(settings: Settings) -> None:
    async def add_user() -> None:
        engine = create_engine(settings)
        async with create_session_factory(engine)() as db:
            db.add(User(email="boss@example.com", name="Boss", password_hash="x"))
            await db.commit()
        await engine.dispose()

    async def role() -> str:
        engine = create_engine(settings)
        async with create_session_factory(engine)() as db:
            query = select(User.role).where(User.email == "boss@example.com")  # type: ignore[call-overload]
            value = (await db.execute(query)).scalar_one()
        await engine.dispose()
        return str(value)

    asyncio.run(add_user())
    runner = CliRunner()
    env = {"DATABASE_URL": settings.database_url}
    result = runner.invoke(main, ["create-admin", "Boss@Example.com"], env=env)
    assert result.exit_code == 0, result.output
    assert asyncio.run(role()) == "admin"
    missing = runner.invoke(main, ["create-admin", "nobody@example.com"], env=env)
    assert missing.exit_code == 1
    assert "No account" in missing.output
