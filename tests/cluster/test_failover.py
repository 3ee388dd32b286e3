"""Failover and drain through nginx: an instance killed mid-interview, an instance stopped with work in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.cluster.conftest import Cluster, FakeLLMProcess, wait_exit
from tests.support.factories import Account
from tests.support.http import new_session, register_http
from tests.support.services import PG_HOST, PG_USER
from tests.support.wsclient import Client

pytestmark = pytest.mark.slow

ANSWER = (
    "Idempotent means repeating the request leaves the server in the same state; safe means it changes "
    "nothing. GET and HEAD are safe, PUT and DELETE are idempotent but not safe, POST is neither."
)


def upstream(client: Client) -> int:
    """The app port nginx used for this socket (the last one tried, when the first was down)."""
    response = client.connection.response
    assert response is not None
    value = response.headers["X-Upstream"]
    return int(value.split(",")[-1].strip().rsplit(":", 1)[1])


async def connect(cluster: Cluster, session_id: str, token: str, attempts: int = 20) -> Client:
    """Connect through nginx as a browser would after a drop: retry with a short back-off."""
    for attempt in range(attempts):
        try:
            return await Client.open(cluster.ws, session_id, token)
        except Exception as exc:  # refused, reset or a 502 while nginx notices the dead instance
            if attempt == attempts - 1:
                raise AssertionError(f"could not reconnect through nginx: {exc!r}") from exc
            await asyncio.sleep(0.25)
    raise AssertionError("unreachable")


async def submit(client: Client, question_id: str, text: str = ANSWER) -> None:
    await client.send(
        {
            "type": "answer.submit",
            "question_id": question_id,
            "text": text,
            "idempotency_key": uuid.uuid4().hex,
        }
    )
    ack = await client.until("answer.ack")
    assert ack["submitted"] is True, ack


async def closed_code(client: Client, timeout: float = 15) -> int | None:
    """Read until the server closes the socket; the close code it sent (None: no close frame)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await client.recv(timeout)
    except ConnectionClosed as closed:
        received = closed.rcvd
    return None if received is None else int(received.code)


async def evaluation_rows(cluster: Cluster) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(f"postgresql://{PG_USER}@{PG_HOST}:5432/{cluster.database}", timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT a.id AS answer_id, e.status, e.attempts, e.completed_at "
            "FROM interview_answers a LEFT JOIN answer_evaluations e ON e.answer_id = a.id "
            "WHERE a.submitted_at IS NOT NULL"
        )
    finally:
        await conn.close()
    return [dict(r) for r in rows]


async def test_killed_instance_hands_the_interview_to_the_other_through_nginx(
    cluster_factory: Any, fake_llm: FakeLLMProcess
) -> None:
    cluster: Cluster = cluster_factory(
        COACH_LLM_BASE_URL=fake_llm.base_url, COACH_LLM_API_KEY="test", CLUSTER_WORKERS="1"
    )
    async with httpx.AsyncClient(base_url=cluster.http, timeout=20) as http:
        account: Account = await register_http(http)
        session = await new_session(http, account, duration_minutes=15)
    assert session["total_questions"] == 3

    client = await Client.open(cluster.ws, session["id"], account.token)
    victim = upstream(client)
    survivor = next(p for p in cluster.app_ports if p != victim)
    await client.until("session.state")
    first = await client.question()
    await submit(client, first.id)
    feedback = await client.until("feedback", timeout=30)
    assert (feedback["question_id"], feedback["status"]) == (first.id, "done")
    await client.send({"type": "question.next"})
    second = await client.question()
    await client.send({"type": "answer.draft", "question_id": second.id, "seq": 7, "text": "half an answer"})
    assert (await client.until("answer.ack"))["seq"] == 7

    os.kill(cluster.app_pid(victim), signal.SIGKILL)
    assert await closed_code(client) in (None, 1006, 1011, 1012, 1001)

    again = await connect(cluster, session["id"], account.token)
    assert upstream(again) == survivor
    state = await again.until("session.state")
    assert state["current_question_id"] == second.id
    q1, q2 = state["questions"]
    assert first.end is not None
    assert (q1["question_id"], q1["text"]) == (first.id, first.end["text"])
    assert q1["answer"]["submitted"] is True
    assert q1["answer"]["text"] == ANSWER
    assert q1["evaluation"]["status"] == "done"
    assert q1["evaluation"]["score"] == feedback["score"]
    assert q2["question_id"] == second.id
    assert q2["status"] == "ready"
    assert q2["answer"]["submitted"] is False
    assert (q2["answer"]["draft_text"], q2["answer"]["draft_seq"]) == ("half an answer", 7)

    # The interview goes on on the survivor: answer, feedback, next question streamed, answer, feedback.
    await submit(again, second.id)
    assert (await again.until("feedback", timeout=30))["question_id"] == second.id
    await again.send({"type": "question.next"})
    third = await again.question()
    assert third.id not in (first.id, second.id)
    assert len(third.deltas) > 1
    assert third.end is not None
    assert "".join(third.deltas) == third.end["text"]
    await submit(again, third.id)
    assert (await again.until("feedback", timeout=30))["question_id"] == third.id
    await again.send({"type": "question.next"})
    assert (await again.until("session.ended"))["reason"] == "completed"
    summary = await again.until("session.summary")
    assert (summary["answered"], summary["evaluated"]) == (3, 3)
    await again.close()

    rows = await evaluation_rows(cluster)
    assert len(rows) == 3
    assert all(r["status"] == "done" for r in rows)


async def test_sigterm_drains_sockets_and_in_flight_evaluations(
    cluster_factory: Any, fake_llm: FakeLLMProcess
) -> None:
    # The instances run the evaluation workers themselves (no separate worker processes), so the
    # instance we stop owns evaluations in flight and its drain is what keeps them from being lost.
    grace = 10
    cluster: Cluster = cluster_factory(
        COACH_LLM_BASE_URL=fake_llm.base_url,
        COACH_LLM_API_KEY="test",
        CLUSTER_WORKERS="0",
        CLUSTER_APP_WORKER="true",
        CLUSTER_GRACE=str(grace),
        COACH_EVAL_LEASE="60",
    )
    interviews = 6
    async with httpx.AsyncClient(base_url=cluster.http, timeout=20) as http:
        accounts = [await register_http(http, f"Candidate {i}") for i in range(interviews)]
        sessions = [await new_session(http, a, duration_minutes=15) for a in accounts]
    clients = [
        await Client.open(cluster.ws, s["id"], a.token) for s, a in zip(sessions, accounts, strict=True)
    ]
    ports = [upstream(c) for c in clients]
    victim = ports[0]
    assert set(ports) == set(cluster.app_ports), "least_conn spreads the sockets over both instances"
    questions = [await c.question() for c in clients]

    # Every evaluation takes 3 s at the fake LLM: each instance's worker has one in flight, the rest wait.
    for _ in range(interviews):
        fake_llm.fault(kind="slow", target="evaluation", seconds=3)
    for client, question in zip(clients, questions, strict=True):
        await submit(client, question.id)
    async with asyncio.timeout(20):
        while len(fake_llm.exchanges("evaluation")) < 2:
            await asyncio.sleep(0.05)

    pid = cluster.app_pid(victim)
    os.kill(pid, signal.SIGTERM)
    on_victim = [c for c, p in zip(clients, ports, strict=True) if p == victim]
    codes = await asyncio.gather(*(closed_code(c, timeout=5) for c in on_victim))
    assert set(codes) <= {1001, 1012}, codes
    took = await asyncio.to_thread(wait_exit, pid, grace * 2 + 5)
    assert took is not None, "the instance did not exit after SIGTERM"
    assert took <= grace + 2, f"drain took {took:.1f}s, grace is {grace}s"
    assert "Traceback" not in cluster.log(f"app-{victim}")

    # Clients of the stopped instance reconnect through nginx; all feedback arrives once, done.
    for i, port in enumerate(ports):
        if port == victim:
            clients[i] = await connect(cluster, sessions[i]["id"], accounts[i].token)
            assert upstream(clients[i]) != victim

    async def feedback_of(client: Client, question_id: str) -> str:
        async with asyncio.timeout(40):
            while True:
                message = await client.recv(40)
                if message["type"] == "feedback" and message["question_id"] == question_id:
                    return str(message["status"])
                if message["type"] == "session.state":
                    [view] = message["questions"]
                    if view["evaluation"] and view["evaluation"]["status"] in ("done", "failed"):
                        return str(view["evaluation"]["status"])

    statuses = await asyncio.gather(*(feedback_of(c, q.id) for c, q in zip(clients, questions, strict=True)))
    assert statuses == ["done"] * interviews
    for client in clients:
        await client.close()

    rows = await evaluation_rows(cluster)
    assert len(rows) == interviews, "one evaluation per answer"
    assert [r["status"] for r in rows] == ["done"] * interviews
    assert all(r["attempts"] == 1 for r in rows), rows
    assert len(fake_llm.exchanges("evaluation")) == interviews, "no evaluation was run twice"
