"""Fixtures for socket tests: the app served by uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from litestar import Litestar

from tests.support.factories import Account
from tests.support.http import register_http
from tests.support.server import ServerThread


@pytest.fixture
def server(app: Litestar) -> Iterator[ServerThread]:
    running = ServerThread(app).start()
    yield running
    running.stop()


@pytest.fixture
async def http(server: ServerThread) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.http, timeout=20) as client:
        yield client


@pytest.fixture
async def account(http: httpx.AsyncClient) -> Account:
    return await register_http(http)
