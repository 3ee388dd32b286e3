"""Fixtures: the app on both backends (SQLite + memory, PostgreSQL + Redis), fresh data per test."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.app import create_app
from coach.settings import Settings
from coach.store.engine import create_engine, create_session_factory
from tests.support.services import REDIS_URL, Templates, pg_exec, pg_url, require_services, services_up

BACKENDS = ["sqlite", "postgres"]
SERIAL = ("tests/browser/", "tests/cluster/", "tests/ws/test_distributed.py", "tests/api/test_serving.py")
"""Tests that start processes, browsers or nginx and measure time: one xdist worker runs them in turn."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `pytest -n N --dist loadgroup`, keep the heavy, timing-sensitive tests on one worker."""
    for item in items:
        path = item.path.as_posix()
        if any(part in path for part in SERIAL):
            item.add_marker(pytest.mark.xdist_group("serial"))


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    t = Templates(tmp_path_factory.mktemp("templates"))
    yield t
    t.close()


@pytest.fixture(scope="session")
def services_problem() -> str | None:
    return services_up()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, services_problem: str | None) -> str:
    """Each integration test runs on the embedded default and on PostgreSQL + Redis."""
    if request.param == "postgres":
        require_services(services_problem)
    return str(request.param)


@pytest.fixture
def database_url(backend: str, templates: Templates, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database, dropped afterwards (a sync fixture: it runs outside the test's loop)."""
    if backend == "sqlite":
        yield templates.new_sqlite_url(tmp_path)
        return
    template = templates.postgres()
    name = f"coach_t_{uuid.uuid4().hex[:12]}"
    pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield pg_url(name)
    finally:
        pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def redis_namespace(backend: str) -> AsyncIterator[str | None]:
    """A key prefix of this test's own in Redis, deleted afterwards."""
    if backend != "postgres":
        yield None
        return
    namespace = f"coachtest:{uuid.uuid4().hex[:10]}"
    yield namespace
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"{namespace}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
def settings(database_url: str, redis_namespace: str | None) -> Settings:
    """Settings for this test's database (and Redis namespace on the postgres backend)."""
    return Settings(
        database_url=database_url,
        redis_url=REDIS_URL if redis_namespace else None,
        redis_namespace=redis_namespace or "coach",
        secret_key=secrets.token_urlsafe(32),
        login_rate_limit=1000,
        offline_token_delay=0.0,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Direct database access for assertions, on an engine of the test's own event loop."""
    engine = create_engine(settings)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings, configure_logs=False)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c
