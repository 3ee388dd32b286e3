"""What `coach serve` does at the socket: who the client is, no banner, slow clients cut off.

A real `coach serve` subprocess on loopback. Linux routes all of 127.0.0.0/8 to loopback, so a
client can connect from 127.0.0.2 (a "proxy") or 127.0.0.1 (a direct client).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from coach.settings import Settings
from tests.support.processes import CoachProcess, coach_env, wait_http
from tests.support.server import free_port
from tests.support.services import Templates

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
PROXY = "127.0.0.2"


@pytest.fixture(scope="module")
def served(templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `coach serve` with short receive deadlines, a login limit of 5 per client, 127.0.0.2 as proxy."""
    workdir = tmp_path_factory.mktemp("serve")
    settings = Settings(database_url=templates.new_sqlite_url(workdir), secret_key=uuid.uuid4().hex * 2)
    port = free_port()
    env = coach_env(
        settings,
        COACH_LOGIN_RATE_LIMIT="5",
        COACH_TRUSTED_PROXIES=PROXY,
        COACH_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        COACH_BODY_TIMEOUT=str(BODY_TIMEOUT),
        COACH_RUN_WORKER="false",
        COACH_LOG_LEVEL="WARNING",
    )
    process = CoachProcess(["serve", "--port", str(port)], env, Path(workdir) / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/health")
        yield base
    finally:
        process.stop()


def _login(client: httpx.Client, forwarded_for: str) -> int:
    response = client.post(
        "/api/auth/login",
        json={"email": f"spoof-{uuid.uuid4().hex[:8]}@example.com", "password": "a wrong password"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_a_client_cannot_pick_its_address_with_x_forwarded_for(served: str) -> None:
    with httpx.Client(base_url=served, transport=httpx.HTTPTransport(local_address="127.0.0.3")) as client:
        statuses = [_login(client, f"203.0.113.{i}") for i in range(8)]
    # Every spoofed address is the same client (127.0.0.3): the per-client limit of 5 holds.
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3


def test_a_trusted_proxy_names_the_client(served: str) -> None:
    with httpx.Client(base_url=served, transport=httpx.HTTPTransport(local_address=PROXY)) as proxy:
        # Through the trusted proxy, each forwarded address is its own client: none is limited.
        assert [_login(proxy, f"198.51.100.{i}") for i in range(8)] == [401] * 8
        # ...and one forwarded address is limited like any client.
        assert [_login(proxy, "198.51.100.200") for _ in range(6)] == [401] * 5 + [429]


def test_responses_carry_no_server_banner(served: str) -> None:
    response = httpx.get(f"{served}/health")
    assert response.status_code == 200
    assert "server" not in response.headers


async def _partial(host: str, port: int, index: int) -> float | None:
    """Open a connection that never finishes its request; seconds until the server closes it."""
    reader, writer = await asyncio.open_connection(host, port)
    start = time.monotonic()
    if index % 5 == 0:
        # Slow body: complete headers, then a trickle of a declared 10 kB body.
        writer.write(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 10000\r\n\r\n{")
    else:
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    try:
        while time.monotonic() - start < 15:
            try:
                data = await asyncio.wait_for(reader.read(4096), timeout=0.5)
            except TimeoutError:
                writer.write(b" " if index % 5 == 0 else b"X-Slow: 1\r\n")  # keep trickling
                await writer.drain()
                continue
            if not data:
                return time.monotonic() - start
        return None
    except ConnectionError:
        return time.monotonic() - start
    finally:
        writer.close()


async def test_a_slowloris_is_cut_off_and_health_stays_fast(served: str) -> None:
    port = int(served.rsplit(":", 1)[1])
    attackers = [asyncio.create_task(_partial("127.0.0.1", port, i)) for i in range(500)]
    health: list[float] = []
    async with httpx.AsyncClient(base_url=served, timeout=5) as client:
        await asyncio.sleep(0.5)
        while not all(task.done() for task in attackers) and len(health) < 40:
            start = time.monotonic()
            response = await client.get("/health")
            assert response.status_code == 200
            health.append(time.monotonic() - start)
            await asyncio.sleep(0.1)
    closed = await asyncio.gather(*attackers)
    held = [c for c in closed if c is None]
    assert not held, f"{len(held)} of 500 partial requests were still open after 15 s"
    bound = max(HEADER_TIMEOUT, BODY_TIMEOUT) + 3
    assert max(c for c in closed if c is not None) < bound
    assert len(health) >= 5
    assert max(health) < 1.0, health
