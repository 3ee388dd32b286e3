"""Model answers only for questions the candidate answered, or saw to the end when time ran out."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.clock import utcnow
from coach.store.models import InterviewSession
from tests.support.factories import Account
from tests.support.http import new_session
from tests.support.server import ServerThread
from tests.support.wsclient import Client
from tests.ws.test_interview import GOOD_ANSWER


async def model_answer(http: httpx.AsyncClient, account: Account, sid: str, qid: str) -> httpx.Response:
    return await http.get(f"/api/sessions/{sid}/questions/{qid}/model-answer", headers=account.headers)


async def test_ending_a_session_over_rest_reveals_no_model_answer(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    sid = session["id"]
    client = await Client.open(server.ws, sid, account.token)
    question = await client.question()
    await client.close()
    ended = await http.post(f"/api/sessions/{sid}/end", headers=account.headers)
    assert ended.json()["data"]["status"] == "completed"
    refused = await model_answer(http, account, sid, question.id)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "invalid_state"
    assert "key_points" not in refused.text
    assert "outline" not in body


async def test_over_the_socket_only_the_answered_question_has_a_model_answer_after_session_end(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    sid = session["id"]
    client = await Client.open(server.ws, sid, account.token)
    first = await client.question()
    await client.send(
        {"type": "answer.submit", "question_id": first.id, "text": GOOD_ANSWER, "idempotency_key": "k1"}
    )
    await client.until("answer.ack")
    await client.send({"type": "question.next"})
    second = await client.question()
    await client.send({"type": "session.end"})
    assert (await client.until("session.ended"))["reason"] == "ended_by_candidate"
    await client.close()

    answered = await model_answer(http, account, sid, first.id)
    assert answered.status_code == 200, answered.text
    assert answered.json()["data"]["outline"]
    assert answered.json()["data"]["criteria"][0]["key_points"]
    unanswered = await model_answer(http, account, sid, second.id)
    assert unanswered.status_code == 409, unanswered.text
    assert "key_points" not in unanswered.text


async def test_at_time_up_the_question_seen_to_the_end_has_a_model_answer_but_a_skipped_one_not(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    sid = session["id"]
    client = await Client.open(server.ws, sid, account.token)
    skipped = await client.question()
    await client.send({"type": "question.next"})
    current = await client.question()
    await client.close()
    async with db() as s:
        await s.execute(
            update(InterviewSession)
            .where(InterviewSession.id == uuid.UUID(sid))  # type: ignore[arg-type]
            .values(ends_at=utcnow() - timedelta(seconds=1))
        )
        await s.commit()
    # The next socket finds the time box passed and ends the session as time_up.
    again = await Client.open(server.ws, sid, account.token)
    assert (await again.until("session.ended"))["reason"] == "time_up"
    await again.close()

    seen = await model_answer(http, account, sid, current.id)
    assert seen.status_code == 200, seen.text
    assert seen.json()["data"]["outline"]
    refused = await model_answer(http, account, sid, skipped.id)
    assert refused.status_code == 409, refused.text
