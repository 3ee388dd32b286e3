"""Open sockets answer to their token: logout, "log out everywhere", revocation and expiry close them (4401)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from coach.app import create_app
from coach.services.admin import grant_admin
from coach.settings import Settings
from coach.store.models import InterviewAnswer
from tests.support.factories import Account
from tests.support.http import new_session, register_http
from tests.support.server import ServerThread
from tests.support.wsclient import Client
from tests.ws.test_interview import GOOD_ANSWER


async def closed_with(connection: ClientConnection, timeout: float = 10) -> tuple[int | None, list[str]]:
    """Read until the server closes; the close code and the message types seen on the way."""
    seen: list[str] = []

    async def drain() -> None:
        async with asyncio.timeout(timeout):
            while True:
                seen.append(str(await connection.recv())[:40])

    with pytest.raises(ConnectionClosed):
        await drain()
    return connection.close_code, seen


async def login(http: httpx.AsyncClient, account: Account) -> str:
    response = await http.post("/api/auth/login", json={"email": account.email, "password": account.password})
    assert response.status_code == 200, response.text
    http.cookies.clear()
    return str(response.json()["data"]["access_token"])


async def answers(db: async_sessionmaker[AsyncSession]) -> list[InterviewAnswer]:
    async with db() as s:
        return list((await s.execute(select(InterviewAnswer))).scalars().all())


async def test_logout_closes_the_open_socket_with_4401(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "before"})
    assert (await client.until("answer.ack"))["seq"] == 1
    out = await http.post("/api/auth/logout", headers=account.headers)
    assert out.status_code == 200
    code, _ = await closed_with(client.connection)
    assert code == 4401
    # The token is dead for a new socket too.
    again = await Client.open(server.ws, session["id"], account.token)
    code, seen = await closed_with(again.connection)
    assert code == 4401
    assert seen == []


async def test_a_message_after_the_token_was_revoked_changes_nothing_and_closes_4401(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    # Refresh revokes the token the socket came with (and announces nothing): the socket must
    # still refuse to act on what arrives next.
    renewed = await http.post("/api/auth/refresh", headers=account.headers, json={})
    assert renewed.status_code == 200, renewed.text
    http.cookies.clear()
    await client.send(
        {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 5, "text": "after"})
    code, seen = await closed_with(client.connection)
    assert code == 4401
    assert not any("answer.ack" in frame for frame in seen)
    stored = await answers(db)
    assert all(a.submitted_at is None and a.draft_text != "after" for a in stored)


@pytest.fixture
def short_tokens(settings: Settings) -> Settings:
    return dataclasses.replace(settings, access_token_minutes=2.5 / 60)


@pytest.fixture
def short_server(short_tokens: Settings) -> Iterator[ServerThread]:
    running = ServerThread(create_app(short_tokens, configure_logs=False)).start()
    yield running
    running.stop()


async def test_a_socket_closes_with_4401_when_its_token_expires(short_server: ServerThread) -> None:
    async with httpx.AsyncClient(base_url=short_server.http, timeout=20) as http:
        account = await register_http(http)
        assert account.token
        session = await new_session(http, account)
        client = await Client.open(short_server.ws, session["id"], account.token)
        await client.until("session.state")
        loop = asyncio.get_running_loop()
        started = loop.time()
        code, _ = await closed_with(client.connection, timeout=10)
        assert code == 4401
        assert loop.time() - started < 4
        # Expired for REST as well; a fresh login opens a socket again.
        assert (await http.get("/api/me", headers=account.headers)).status_code == 401
        fresh = await login(http, account)
        again = await Client.open(short_server.ws, session["id"], fresh)
        assert (await again.until("session.state"))["session"]["id"] == session["id"]
        await again.close()


async def test_log_out_everywhere_revokes_every_token_and_closes_interview_and_admin_sockets(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    async with db() as s:
        assert await grant_admin(s, account.email) is not None
        await s.commit()
    laptop = await login(http, account)
    phone = await login(http, account)
    other = await register_http(http, "Bob Bystander")
    session = await new_session(http, account)
    other_session = await new_session(http, other)
    on_laptop = await Client.open(server.ws, session["id"], laptop)
    on_phone = await Client.open(server.ws, session["id"], phone)
    bystander = await Client.open(server.ws, other_session["id"], other.token)
    for client in (on_laptop, on_phone, bystander):
        await client.until("session.state")
    admin_live = await connect(
        f"{server.ws}/ws/admin/live", additional_headers={"Authorization": f"Bearer {phone}"}, open_timeout=10
    )
    await asyncio.wait_for(admin_live.recv(), 10)

    out = await http.post("/api/auth/logout-all", headers={"Authorization": f"Bearer {laptop}"})
    assert out.status_code == 200, out.text
    assert out.json()["message"] == "Logged out everywhere."
    for connection in (on_laptop.connection, on_phone.connection, admin_live):
        code, _ = await closed_with(connection)
        assert code == 4401
    for token in (laptop, phone, account.token):
        assert (await http.get("/api/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    # Someone else's socket is untouched; logging in again works at once.
    await bystander.send({"type": "ping"})
    assert (await bystander.until("pong"))["type"] == "pong"
    await bystander.close()
    fresh = await login(http, account)
    assert (await http.get("/api/me", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200
    back = await Client.open(server.ws, session["id"], fresh)
    assert (await back.until("session.state"))["session"]["id"] == session["id"]
    await back.close()
    watch = server.app.state.runtime.sockets
    for _ in range(50):
        if watch.count() == 0:
            break
        await asyncio.sleep(0.05)
    assert watch.count() == 0


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_logout_on_instance_a_closes_the_socket_on_instance_b(settings: Settings) -> None:
    shared = dataclasses.replace(settings, run_worker=False)
    a = ServerThread(create_app(shared, configure_logs=False)).start()
    b = ServerThread(create_app(shared, configure_logs=False)).start()
    try:
        async with httpx.AsyncClient(base_url=a.http, timeout=20) as http_a:
            account = await register_http(http_a)
            session = await new_session(http_a, account)
            on_b = await Client.open(b.ws, session["id"], account.token)
            question = await on_b.question()
            out = await http_a.post("/api/auth/logout", headers=account.headers)
            assert out.status_code == 200
            code, _ = await closed_with(on_b.connection)
            assert code == 4401
            # "Log out everywhere" on A reaches B as well, and B's REST refuses the old token.
            fresh = await login(http_a, account)
            again = await Client.open(b.ws, session["id"], fresh)
            await again.until("session.state")
            everywhere = await http_a.post(
                "/api/auth/logout-all", headers={"Authorization": f"Bearer {fresh}"}
            )
            assert everywhere.status_code == 200
            code, _ = await closed_with(again.connection)
            assert code == 4401
            async with httpx.AsyncClient(base_url=b.http, timeout=20) as http_b:
                me = await http_b.get("/api/me", headers={"Authorization": f"Bearer {fresh}"})
                assert me.status_code == 401
            assert question.end is not None
    finally:
        a.stop()
        b.stop()
