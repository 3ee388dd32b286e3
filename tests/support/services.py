"""Where the test PostgreSQL and Redis live, and fresh databases made from a migrated template."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest
import redis.asyncio as aioredis

from coach.store import migrations

PG_HOST = os.environ.get("COACH_TEST_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("COACH_TEST_PG_USER", "postgres")
PG_ADMIN_DSN = f"postgresql://{PG_USER}@{PG_HOST}:5432/postgres"
REDIS_URL = os.environ.get("COACH_TEST_REDIS", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pg_url(database: str) -> str:
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:5432/{database}"


async def _pg_exec(*statements: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def pg_exec(*statements: str) -> None:
    """Run admin statements (CREATE/DROP DATABASE) outside any test event loop."""
    asyncio.run(_pg_exec(*statements))


def services_up() -> str | None:
    """None when PostgreSQL and Redis answer, else what is missing."""

    async def probe() -> str | None:
        try:
            conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
            await conn.close()
        except (OSError, asyncpg.PostgresError) as exc:
            return f"PostgreSQL at {PG_HOST}:5432 unavailable: {exc}"
        client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        try:
            await client.ping()
        except Exception as exc:
            return f"Redis at {REDIS_URL} unavailable: {exc}"
        finally:
            await client.aclose()
        return None

    return asyncio.run(probe())


def require_services(problem: str | None) -> None:
    """Skip without the services locally; under CI=true a missing service is a failure."""
    if problem is None:
        return
    if IN_CI:
        pytest.fail(problem)
    pytest.skip(problem)


class Templates:
    """One migrated database per dialect per run; each test gets a copy."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self._sqlite: Path | None = None
        self._pg: str | None = None

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = self.workdir / "template.db"
            migrations.upgrade(f"sqlite+aiosqlite:///{path}")
            self._sqlite = path
        return self._sqlite

    def postgres(self) -> str:
        if self._pg is None:
            name = f"coach_tpl_{self.run_id}"
            pg_exec(f'CREATE DATABASE "{name}"')
            migrations.upgrade(pg_url(name))
            self._pg = name
        return self._pg

    def new_sqlite_url(self, directory: Path) -> str:
        target = directory / f"coach-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.sqlite(), target)
        return f"sqlite+aiosqlite:///{target}"

    def close(self) -> None:
        if self._pg is not None:
            pg_exec(f'DROP DATABASE IF EXISTS "{self._pg}" WITH (FORCE)')
