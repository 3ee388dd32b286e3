"""Alembic owns the schema: it goes up, down and up again, and matches the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from coach.settings import Settings
from coach.store import migrations
from coach.store.engine import create_engine
from coach.store.models import metadata
from tests.support.services import pg_exec, pg_url, require_services

TABLES = {
    "users",
    "interview_sessions",
    "interview_questions",
    "interview_answers",
    "answer_evaluations",
    "user_hourly_stats",
    "user_skill_daily",
}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, services_problem: str | None
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/m.db"
        return
    require_services(services_problem)
    name = f"coach_m_{uuid.uuid4().hex[:10]}"
    pg_exec(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _inspect(url: str, fn: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(Settings(database_url=url))
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata))


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    migrations.upgrade(empty_database)
    assert _inspect(empty_database, _tables) == TABLES
    migrations.downgrade(empty_database, "base")
    assert _inspect(empty_database, _tables) == set()
    migrations.upgrade(empty_database)
    assert _inspect(empty_database, _tables) == TABLES


def test_models_match_the_migrated_schema(empty_database: str) -> None:
    migrations.upgrade(empty_database)
    assert _inspect(empty_database, _diff) == []


def test_email_is_unique_and_sessions_are_indexed_by_user_and_time(empty_database: str) -> None:
    migrations.upgrade(empty_database)

    def indexes(conn: Connection) -> dict[str, Any]:
        insp = inspect(conn)
        return {
            "users_unique": [u["column_names"] for u in insp.get_unique_constraints("users")],
            "sessions": [i["column_names"] for i in insp.get_indexes("interview_sessions")],
            "answers": [i["column_names"] for i in insp.get_indexes("interview_answers")],
            "evaluations": [i["column_names"] for i in insp.get_indexes("answer_evaluations")],
        }

    found = _inspect(empty_database, indexes)
    assert ["email"] in found["users_unique"]
    assert ["user_id", "created_at"] in found["sessions"]
    assert ["session_id"] in found["answers"]
    assert ["session_id"] in found["evaluations"]
