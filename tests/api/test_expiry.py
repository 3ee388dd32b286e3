"""A time box that passes with no socket open: reading the transcript changes nothing; the sweep ends it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from coach.app import create_app
from coach.runtime import Runtime
from coach.settings import Settings
from coach.store import interviews as store
from tests.support.factories import register

Client = AsyncTestClient[Litestar]


async def _create(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    body = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend engineer"}
    response = await client.post("/api/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"]["session"])


async def _status(client: Client, sid: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{sid}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["session"])


@pytest.fixture
async def quiet_client(settings: Settings) -> AsyncIterator[tuple[Litestar, Client]]:
    """An app without its in-process worker, so no sweep runs unless the test runs it."""
    app = create_app(dataclasses.replace(settings, run_worker=False), configure_logs=False)
    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield app, client


async def test_reading_an_expired_session_changes_nothing_until_the_sweep_ends_it(
    quiet_client: tuple[Litestar, Client], settings: Settings
) -> None:
    app, client = quiet_client
    account = await register(client)
    session = await _create(client, account.headers)
    ends_at = datetime.fromisoformat(session["ends_at"])
    app.state.runtime.clock.pin(ends_at + timedelta(minutes=5))
    for _ in range(3):
        assert (await _status(client, session["id"], account.headers))["status"] == "active"
    # The sweep, as a `coach worker` process runs it (its own runtime, on this test's event loop).
    worker = Runtime.build(settings, serving=False)
    worker.clock.pin(ends_at + timedelta(minutes=5))
    try:
        assert await worker.interviews.end_expired() >= 1
        ended = await _status(client, session["id"], account.headers)
        assert ended["status"] == "completed"
        assert datetime.fromisoformat(ended["ended_at"]) >= ends_at  # never a moment early
        assert session["id"] not in {str(s) for s in await _still_due(worker)}
    finally:
        await worker.aclose()


async def _still_due(runtime: Runtime) -> list[Any]:
    async with runtime.transactions.reading() as db:
        return await store.expired_sessions(db, runtime.now(), 1000)


async def test_the_in_process_sweep_ends_an_unwatched_session_by_itself(
    app: Litestar, client: Client
) -> None:
    account = await register(client)
    session = await _create(client, account.headers)
    app.state.runtime.clock.pin(datetime.fromisoformat(session["ends_at"]) + timedelta(seconds=1))
    for _ in range(100):
        if (await _status(client, session["id"], account.headers))["status"] == "completed":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the sweep did not end the session within 10 s")
