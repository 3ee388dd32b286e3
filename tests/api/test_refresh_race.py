"""Refresh is atomic: one token in, exactly one token out, over real HTTP on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from tests.support.http import register_http
from tests.support.server import ServerThread

CALLERS = 50


@pytest.fixture
def server(app: Litestar) -> Iterator[ServerThread]:
    running = ServerThread(app).start()
    yield running
    running.stop()


async def test_fifty_concurrent_refreshes_of_one_token_mint_exactly_one(server: ServerThread) -> None:
    limits = httpx.Limits(max_connections=CALLERS)
    async with httpx.AsyncClient(base_url=server.http, timeout=30, limits=limits) as http:
        account = await register_http(http)
        # Open every connection first, so the refreshes really arrive together.
        await asyncio.gather(*(http.get("/health") for _ in range(CALLERS)))
        responses = await asyncio.gather(
            *(http.post("/api/auth/refresh", headers=account.headers) for _ in range(CALLERS))
        )
        http.cookies.clear()
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [401] * (CALLERS - 1)
        assert all(r.json()["error"] == "unauthorized" for r in responses if r.status_code == 401)
        (winner,) = [r for r in responses if r.status_code == 200]
        token = winner.json()["data"]["access_token"]
        # The one new token works; the old one is dead.
        me = await http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert (await http.get("/api/me", headers=account.headers)).status_code == 401
        # And it too refreshes exactly once.
        again = await asyncio.gather(
            *(
                http.post("/api/auth/refresh", headers={"Authorization": f"Bearer {token}"})
                for _ in range(CALLERS)
            )
        )
        assert sorted(r.status_code for r in again) == [200] + [401] * (CALLERS - 1)
