"""WS /ws/admin/live: admins only, and socket counts right across app instances (presence in Redis)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from coach.app import create_app
from coach.broker.presence import Presence
from coach.services.admin import grant_admin
from coach.settings import Settings
from tests.support.factories import Account
from tests.support.http import new_session, register_http
from tests.support.server import ServerThread
from tests.support.services import REDIS_URL
from tests.support.wsclient import Client


async def open_live(base: str, token: str | None) -> ClientConnection:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await connect(f"{base}/ws/admin/live", additional_headers=headers, open_timeout=10)


async def close_code(connection: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(connection.recv(), 10)
    return connection.close_code


async def wait_for_sockets(live: ClientConnection, expected: int, timeout: float = 10) -> dict[str, Any]:
    """Read admin.live frames until open_sockets equals `expected`."""
    async with asyncio.timeout(timeout):
        while True:
            message: dict[str, Any] = json.loads(await live.recv())
            assert message["type"] == "admin.live"
            if message["open_sockets"] == expected:
                return message


async def admin_account(http: httpx.AsyncClient, db: async_sessionmaker[AsyncSession]) -> Account:
    account = await register_http(http, "Root Admin")
    async with db() as session:
        await grant_admin(session, account.email)
        await session.commit()
    return account


async def test_candidates_get_4403_and_strangers_4401(server: ServerThread) -> None:
    async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
        candidate = await register_http(http)
    assert await close_code(await open_live(server.ws, candidate.token)) == 4403
    assert await close_code(await open_live(server.ws, None)) == 4401


async def test_admins_get_counts_that_follow_their_sockets(
    server: ServerThread, db: async_sessionmaker[AsyncSession]
) -> None:
    async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
        admin = await admin_account(http, db)
        candidate = await register_http(http)
        session = await new_session(http, candidate)
    live = await open_live(server.ws, admin.token)
    first = await wait_for_sockets(live, 0)
    assert set(first) == {"type", "open_sockets", "active_sessions", "evaluations_in_flight", "at"}
    assert first["active_sessions"] == 1
    interview = await Client.open(server.ws, session["id"], candidate.token)
    await wait_for_sockets(live, 1)
    await interview.close()
    await wait_for_sockets(live, 0)
    await live.close()


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, presence_interval_seconds=0.2, admin_live_poll_seconds=0.1)


@pytest.fixture
def two_servers(fast_settings: Settings) -> Iterator[tuple[ServerThread, ServerThread]]:
    first = ServerThread(create_app(fast_settings, configure_logs=False)).start()
    second = ServerThread(create_app(fast_settings, configure_logs=False)).start()
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # instances share PostgreSQL + Redis
async def test_the_total_sums_live_instances_and_forgets_dead_ones(
    two_servers: tuple[ServerThread, ServerThread],
    fast_settings: Settings,
    db: async_sessionmaker[AsyncSession],
    redis_client: aioredis.Redis,
) -> None:
    a, b = two_servers
    async with httpx.AsyncClient(base_url=a.http, timeout=20) as http:
        admin = await admin_account(http, db)
        candidate = await register_http(http)
        sessions = [await new_session(http, candidate) for _ in range(3)]
    live = await open_live(b.ws, admin.token)
    await wait_for_sockets(live, 0)
    on_a = [await Client.open(a.ws, s["id"], candidate.token) for s in sessions[:2]]
    on_b = await Client.open(b.ws, sessions[2]["id"], candidate.token)
    await wait_for_sockets(live, 3)
    await on_a[0].close()
    await wait_for_sockets(live, 2)

    # An instance that dies with sockets open stops heartbeating; its entry expires after the TTL.
    ghost = Presence(redis_client, fast_settings.redis_namespace, ttl=1.0, instance="crashed-instance")
    await ghost.beat(count=5)
    await wait_for_sockets(live, 7)
    await wait_for_sockets(live, 2, timeout=5)

    await on_b.close()
    await on_a[1].close()
    await wait_for_sockets(live, 0)
    await live.close()
