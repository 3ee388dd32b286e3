"""Login and registration limits per account, per client and across clients; password strength."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from coach.app import create_app
from coach.settings import Settings
from tests.support.factories import PASSWORD, register
from tests.support.http import register_http
from tests.support.server import ServerThread

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def guarded(settings: Settings) -> AsyncIterator[Client]:
    """The app with a small per-account limit: 3 free failures, then 1 s, then locked at 5."""
    app = create_app(
        dataclasses.replace(settings, login_account_failures=5, login_lock_seconds=60), configure_logs=False
    )
    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


async def login(client: Client, email: str, password: str) -> httpx.Response:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    client.cookies.clear()
    return response


async def test_failed_logins_slow_then_lock_the_account(guarded: Client) -> None:
    account = await register(guarded)
    for _ in range(4):
        assert (await login(guarded, account.email, "wrong password guess")).status_code == 401
    # After the fourth failure the account must wait a second: even the right password is not checked.
    waiting = await login(guarded, account.email, PASSWORD)
    assert waiting.status_code == 429
    body = waiting.json()
    assert body["error"] == "rate_limited"
    assert body["field"] == "email"
    assert "wait 1 second" in body["message"]
    assert waiting.headers["retry-after"] == "1"
    await asyncio.sleep(1.1)
    assert (await login(guarded, account.email, "wrong password guess")).status_code == 401
    # Five failures: locked, with a clear message and Retry-After, whatever the password.
    locked = await login(guarded, account.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"] == "account_locked"
    assert "locked" in locked.json()["message"]
    assert 55 <= int(locked.headers["retry-after"]) <= 60
    # Other accounts are not affected.
    other = await register(guarded, "Grace Hopper")
    assert (await login(guarded, other.email, PASSWORD)).status_code == 200


async def test_unknown_emails_are_limited_like_real_ones(guarded: Client) -> None:
    email = f"nobody-{uuid.uuid4().hex[:6]}@example.com"
    statuses = [(await login(guarded, email, "wrong password guess")).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


async def test_a_successful_login_resets_the_account_counter(guarded: Client) -> None:
    account = await register(guarded)
    for _ in range(2):
        for _ in range(3):
            assert (await login(guarded, account.email, "wrong password guess")).status_code == 401
        assert (await login(guarded, account.email, PASSWORD)).status_code == 200


async def test_concurrent_guesses_cannot_slip_past_the_account_limit(settings: Settings) -> None:
    server = _serve(dataclasses.replace(settings, login_account_failures=5, login_lock_seconds=60))
    try:
        async with httpx.AsyncClient(base_url=server.http, timeout=30) as client:
            account = await register_http(client)
            responses = await asyncio.gather(
                *(
                    client.post("/api/auth/login", json={"email": account.email, "password": f"guess {i} x"})
                    for i in range(30)
                )
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses.count(401) <= 5, statuses
            assert set(statuses) <= {401, 429}, statuses
            client.cookies.clear()
            refused = await client.post(
                "/api/auth/login", json={"email": account.email, "password": PASSWORD}
            )
            assert refused.status_code == 429
            assert refused.json()["error"] == "account_locked"
    finally:
        server.stop()


async def test_an_account_lock_holds_on_every_instance(settings: Settings, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("instances share counters through Redis; the embedded default is one process")
    limited = dataclasses.replace(settings, login_account_failures=3, login_lock_seconds=60)
    one, two = create_app(limited, configure_logs=False), create_app(limited, configure_logs=False)
    async with (
        AsyncTestClient(one, base_url="http://127.0.0.1:8000") as a,
        AsyncTestClient(two, base_url="http://127.0.0.1:8000") as b,
    ):
        account = await register(a)
        for _ in range(3):
            assert (await login(a, account.email, "wrong password guess")).status_code == 401
        refused = await login(b, account.email, PASSWORD)
        assert refused.status_code == 429
        assert refused.json()["error"] == "account_locked"


async def test_a_flood_of_password_checks_gets_a_fast_busy_answer(settings: Settings) -> None:
    server = _serve(dataclasses.replace(settings, password_hash_concurrency=1, password_hash_queue=2))
    try:
        async with httpx.AsyncClient(base_url=server.http, timeout=30) as client:
            account = await register_http(client)
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/api/auth/login",
                        json={
                            "email": f"spray-{i}-{uuid.uuid4().hex[:4]}@example.com",
                            "password": "guess 123",
                        },
                    )
                    for i in range(24)
                )
            )
            statuses = [r.status_code for r in responses]
            assert 3 <= statuses.count(401) < 24, statuses
            busy = [r for r in responses if r.status_code == 503]
            assert len(busy) == 24 - statuses.count(401), statuses
            assert busy[0].json()["error"] == "busy"
            assert busy[0].headers["retry-after"] == "1"
            # Refused at once: a busy answer never waited for a hash.
            assert (
                max(r.elapsed.total_seconds() for r in busy)
                < min(r.elapsed.total_seconds() for r in responses if r.status_code == 401) + 0.5
            )
            client.cookies.clear()
            # Once the flood is over, real logins work again.
            ok = await client.post("/api/auth/login", json={"email": account.email, "password": PASSWORD})
            assert ok.status_code == 200
    finally:
        server.stop()


async def test_register_is_limited_per_client(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, login_rate_limit=2), configure_logs=False)
    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as client:
        account = await register(client)
        again = {"email": account.email, "password": PASSWORD, "name": "Again"}
        assert (await client.post("/api/auth/register", json=again)).status_code == 409
        probe = await client.post("/api/auth/register", json=again)
        assert probe.status_code == 429
        assert probe.json()["error"] == "rate_limited"


async def test_register_is_limited_across_all_clients(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, register_global_limit=3), configure_logs=False)
    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as client:
        first = await register(client)
        await register(client, "Grace Hopper")
        duplicate = {"email": first.email, "password": PASSWORD, "name": "Probe"}
        assert (await client.post("/api/auth/register", json=duplicate)).status_code == 409
        # The fourth attempt this minute is refused before anyone learns whether the email exists.
        probe = await client.post("/api/auth/register", json=duplicate)
        assert probe.status_code == 429
        assert probe.json()["error"] == "rate_limited"
        assert int(probe.headers["retry-after"]) >= 1


@pytest.mark.parametrize("password", ["Passw0rd!", "coachcoach", "Password2024", "qwertyuiop123"])
async def test_guessable_passwords_are_refused_with_advice(client: Client, password: str) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "weak@example.com", "password": password, "name": "Weak"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input"
    assert body["field"] == "password"
    assert "too common or too easy to guess" in body["message"]
    assert len(body["message"]) > len("This password is too common or too easy to guess. ")


async def test_a_password_made_of_the_accounts_name_is_refused(client: Client) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ada.lovelace@example.com", "password": "adalovelace1", "name": "Ada Lovelace"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "password"


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple orbit",
        "tangerine quilt elbow marathon",
        "my first bicycle was red and it squeaked on every single hill in our little town, so loud",
    ],
)
async def test_long_passphrases_are_accepted(client: Client, password: str) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": f"pass-{uuid.uuid4().hex[:6]}@example.com", "password": password, "name": "P"},
    )
    assert response.status_code == 201, response.text


def _serve(settings: Settings) -> ServerThread:
    return ServerThread(create_app(settings, configure_logs=False)).start()


def test_metrics_are_open_in_dev_and_closed_in_prod_without_a_token(settings: Settings) -> None:
    dev = _serve(settings)
    try:
        assert httpx.get(f"{dev.http}/metrics").status_code == 200
    finally:
        dev.stop()
    prod = _serve(dataclasses.replace(settings, environment="prod"))
    try:
        refused = httpx.get(f"{prod.http}/metrics")
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden"
        assert "coach_http" not in refused.text
    finally:
        prod.stop()


def test_metrics_in_prod_need_the_token_or_an_allowed_address(settings: Settings) -> None:
    token = secrets.token_urlsafe(24)
    server = _serve(dataclasses.replace(settings, environment="prod", metrics_token=token))
    try:
        assert httpx.get(f"{server.http}/metrics").status_code == 403
        wrong = httpx.get(f"{server.http}/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 403
        ok = httpx.get(f"{server.http}/metrics", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert "coach_" in ok.text
    finally:
        server.stop()
    allowed = _serve(dataclasses.replace(settings, environment="prod", metrics_allow=("127.0.0.0/8",)))
    try:
        assert httpx.get(f"{allowed.http}/metrics").status_code == 200
    finally:
        allowed.stop()
