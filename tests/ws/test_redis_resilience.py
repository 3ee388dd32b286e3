"""Losing the Redis pub/sub connection does not silence the sockets: they resync and keep receiving."""

from __future__ import annotations

import httpx
import pytest
import redis.asyncio as aioredis

from tests.support.http import new_session, register_http
from tests.support.server import ServerThread
from tests.support.services import REDIS_URL
from tests.support.wsclient import Client
from tests.ws.test_interview import GOOD_ANSWER

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]


async def test_sockets_resync_and_get_feedback_after_the_pubsub_connection_is_killed(
    server: ServerThread, http: httpx.AsyncClient
) -> None:
    account = await register_http(http)
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    admin = aioredis.Redis.from_url(REDIS_URL)
    try:
        killed = await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")  # type: ignore[no-untyped-call]
        assert int(killed) >= 1
    finally:
        await admin.aclose()
    resynced = await client.until("session.state", timeout=20)
    assert [q["question_id"] for q in resynced["questions"]] == [question.id]
    await client.send(
        {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    await client.until("answer.ack")
    feedback = await client.until("feedback", timeout=20)
    assert feedback["status"] == "done"
    await client.close()
