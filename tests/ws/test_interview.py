"""The interview conversation over a real socket, on both backends."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.exceptions import ConnectionClosed, InvalidStatus

from coach.clock import utcnow
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion, InterviewSession
from tests.support.factories import Account
from tests.support.http import new_session, register_http
from tests.support.server import ServerThread
from tests.support.wsclient import Client

GOOD_ANSWER = (
    "A process has its own address space and resources, while threads share the memory of their process. "
    "Context switching between threads is cheaper; processes give isolation, so a crash does not take down "
    "the others. For example a web server may use worker processes for isolation and threads for I/O. "
    "The trade-off is safety versus sharing: shared memory needs locks to avoid race conditions."
)


async def count(db: async_sessionmaker[AsyncSession], model: type) -> int:
    async with db() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_a_whole_interview_from_register_to_summary(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    total = session["total_questions"]
    assert total == 2
    client = await Client.open(server.ws, session["id"], account.token)
    state = await client.until("session.state")
    assert state["session"]["id"] == session["id"]
    assert state["questions"] == []
    for index in range(total):
        question = await client.question()
        assert question.start["index"] == index
        assert question.start["total"] == total
        assert question.end is not None
        assert "".join(question.deltas) == question.end["text"]
        assert len(question.end["text"]) > 20
        await client.send(
            {"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "draft", "language": None}
        )
        ack = await client.until("answer.ack")
        assert ack == {
            "type": "answer.ack",
            "question_id": question.id,
            "seq": 1,
            "submitted": False,
            "answer_id": None,
        }
        key = uuid.uuid4().hex
        await client.send(
            {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": key}
        )
        ack = await client.until("answer.ack")
        assert ack["submitted"] is True
        feedback = await client.until("feedback")
        assert feedback["question_id"] == question.id
        assert feedback["status"] == "done"
        assert 0 <= feedback["score"] <= 10
        assert feedback["strengths"] or feedback["improvements"]
        await client.send({"type": "question.next"})
    ended = await client.until("session.ended")
    assert ended["reason"] == "completed"
    summary = await client.until("session.summary")
    assert summary["answered"] == total
    assert summary["evaluated"] == total
    assert summary["score"] is not None
    await client.close()
    transcript = (await http.get(f"/api/sessions/{session['id']}", headers=account.headers)).json()["data"]
    assert transcript["session"]["status"] == "completed"
    assert [q["evaluation"]["status"] for q in transcript["questions"]] == ["done"] * total
    assert transcript["summary"]["score"] == summary["score"]


async def test_drafts_and_feedback_survive_a_reconnect(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    for seq, text in enumerate(["def f(", "def f(x):", "def f(x): return x"], start=1):
        await client.send({"type": "answer.draft", "question_id": question.id, "seq": seq, "text": text})
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 2, "text": "stale"})
    for _ in range(4):
        await client.until("answer.ack")
    await client.close()

    again = await Client.open(server.ws, session["id"], account.token)
    state = await again.until("session.state")
    [restored] = state["questions"]
    assert restored["question_id"] == question.id
    assert question.end is not None
    assert restored["text"] == question.end["text"]
    assert restored["answer"]["draft_text"] == "def f(x): return x"
    assert restored["answer"]["draft_seq"] == 3
    assert state["current_question_id"] == question.id
    await again.send(
        {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k1"}
    )
    await again.until("answer.ack")
    await again.close()
    # Feedback that arrives while nobody is connected is in the next snapshot.
    for _ in range(100):
        third = await Client.open(server.ws, session["id"], account.token)
        state = await third.until("session.state")
        await third.close()
        evaluation = state["questions"][0]["evaluation"]
        if evaluation["status"] == "done":
            break
        await asyncio.sleep(0.1)
    assert evaluation["status"] == "done"
    assert state["questions"][0]["answer"]["submitted"] is True
    assert state["questions"][0]["answer"]["text"] == GOOD_ANSWER


async def test_reconnect_mid_stream_gets_the_same_question_whole(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    server.app.state.runtime.fallback._delay = 0.03  # slow the offline stream so we can leave mid-way
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    start = await client.until("question.start")
    await client.until("question.delta")
    await client.close()
    again = await Client.open(server.ws, session["id"], account.token)
    state = await again.until("session.state")
    assert [q["status"] for q in state["questions"]] in (["streaming"], ["ready"])
    if state["questions"][0]["status"] == "streaming":
        question = await again.question()
        assert question.id == start["question_id"]
        assert question.end is not None
        text = question.end["text"]
    else:
        text = state["questions"][0]["text"]
    assert text
    await again.close()
    assert await count(db, InterviewQuestion) == 1  # asked once, not twice


async def test_two_tabs_open_before_the_question_both_hear_it_stream(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    server.app.state.runtime.fallback._delay = 0.01  # several delta frames, not one
    session = await new_session(http, account)
    first = await Client.open(server.ws, session["id"], account.token)
    second = await Client.open(server.ws, session["id"], account.token)
    await first.until("session.state")
    await second.until("session.state")
    a, b = await asyncio.gather(first.question(), second.question())
    assert a.id == b.id
    assert a.end is not None
    assert b.end is not None
    assert "".join(a.deltas) == "".join(b.deltas) == a.end["text"] == b.end["text"]
    assert len(b.deltas) > 1  # streamed, not sent whole at the end
    await first.close()
    await second.close()
    assert await count(db, InterviewQuestion) == 1


async def test_the_same_submit_twice_and_concurrently_makes_one_answer_and_one_evaluation(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    body = {"question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "same-key"}
    rest = [
        http.post(f"/api/sessions/{session['id']}/answers", json=body, headers=account.headers)
        for _ in range(4)
    ]
    await client.send({"type": "answer.submit", **body})
    responses = await asyncio.gather(*rest)
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["data"]["answer_id"] for r in responses}) == 1
    ack = await client.until("answer.ack")
    assert ack["answer_id"] == responses[0].json()["data"]["answer_id"]
    await client.until("feedback")
    await client.close()
    assert await count(db, InterviewAnswer) == 1
    assert await count(db, AnswerEvaluation) == 1
    other_key = await http.post(
        f"/api/sessions/{session['id']}/answers",
        json={**body, "idempotency_key": "other"},
        headers=account.headers,
    )
    assert other_key.status_code == 409


async def test_another_users_socket_is_refused_with_4403(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    intruder = await register_http(http, "Eve Intruder")
    client = await Client.open(server.ws, session["id"], intruder.token)
    with pytest.raises(ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert client.seen == []
    missing = await Client.open(server.ws, str(uuid.uuid4()), account.token)
    with pytest.raises(ConnectionClosed) as closed:
        await missing.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    rest = await http.get(f"/api/sessions/{session['id']}", headers=intruder.headers)
    assert rest.status_code == 404


@pytest.mark.parametrize("token", [None, "not-a-token"])
async def test_an_unauthenticated_socket_is_closed_with_4401(
    server: ServerThread, http: httpx.AsyncClient, account: Account, token: str | None
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], token)
    with pytest.raises(ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert client.seen == []


async def test_the_login_cookie_authenticates_a_socket(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], None, Cookie=f'coach_token="Bearer {account.token}"')
    state = await client.until("session.state")
    assert state["session"]["id"] == session["id"]
    await client.close()


async def test_a_foreign_origin_is_refused_before_any_data(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    with pytest.raises(InvalidStatus) as refused:
        await Client.open(server.ws, session["id"], account.token, Origin="https://evil.example")
    assert refused.value.response.status_code == 403
    ok = await Client.open(server.ws, session["id"], account.token, Origin="http://localhost:8000")
    assert (await ok.until("session.state"))["type"] == "session.state"
    await ok.close()


async def test_bad_input_gets_an_error_and_changes_nothing(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    cases: list[tuple[str, str]] = [
        ("{not json", "bad_message"),
        (json.dumps({"type": "answer.hack"}), "bad_message"),
        (json.dumps({"type": "answer.draft", "question_id": question.id}), "bad_message"),
        (
            json.dumps({"type": "answer.draft", "question_id": question.id, "seq": "x", "text": "t"}),
            "bad_message",
        ),
        (
            json.dumps(
                {"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "t", "extra": 1}
            ),
            "bad_message",
        ),
        (
            json.dumps(
                {
                    "type": "answer.submit",
                    "question_id": str(uuid.uuid4()),
                    "text": "x",
                    "idempotency_key": "k",
                }
            ),
            "not_found",
        ),
        (
            json.dumps({"type": "answer.submit", "question_id": "nope", "text": "x", "idempotency_key": "k"}),
            "invalid_input",
        ),
        (
            json.dumps(
                {"type": "answer.submit", "question_id": question.id, "text": "  ", "idempotency_key": "k"}
            ),
            "invalid_input",
        ),
    ]
    for raw, code in cases:
        await client.connection.send(raw)
        error = await client.until("error")
        assert error["code"] == code, raw
        assert error["message"]
    await client.send({"type": "ping"})
    assert (await client.until("pong"))["type"] == "pong"
    assert await count(db, InterviewAnswer) == 0
    assert await count(db, AnswerEvaluation) == 0
    await client.close()


async def test_answering_a_question_that_is_not_current_is_refused(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    first = await client.question()
    await client.send({"type": "question.next"})
    await client.question()
    await client.send(
        {"type": "answer.submit", "question_id": first.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    error = await client.until("error")
    assert error["code"] == "invalid_state"
    assert error["question_id"] == first.id
    await client.close()
    assert await count(db, InterviewAnswer) == 0


async def test_a_frame_over_64_kib_closes_with_1009(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    huge = json.dumps({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "x" * 70_000})
    await client.connection.send(huge)
    with pytest.raises(ConnectionClosed) as closed:
        await client.until("never")
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    assert await count(db, InterviewAnswer) == 0


async def test_flooding_the_socket_is_rate_limited(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    await client.until("session.state")
    for _ in range(70):
        await client.send({"type": "ping"})
    error = await client.until("error")
    assert error["code"] == "rate_limited"
    await client.close()


async def end_in(db: async_sessionmaker[AsyncSession], session_id: str, seconds: float) -> None:
    """Shorten a session's time box so it ends `seconds` from now."""
    async with db() as s:
        await s.execute(
            update(InterviewSession)
            .where(InterviewSession.id == uuid.UUID(session_id))  # type: ignore[arg-type]
            .values(ends_at=utcnow() + timedelta(seconds=seconds))
        )
        await s.commit()


async def test_the_session_ends_by_itself_when_time_is_up(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    await end_in(db, session["id"], 1.5)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    await client.send(
        {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    ended = await client.until("session.ended", timeout=10)
    assert ended["reason"] == "time_up"
    summary = await client.until("session.summary", timeout=10)
    assert summary["answered"] == 1
    await client.send({"type": "question.next"})
    assert (await client.until("error"))["code"] == "invalid_state"
    await client.close()


async def test_at_time_up_the_unsubmitted_draft_is_submitted_and_graded(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    await end_in(db, session["id"], 3)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": GOOD_ANSWER})
    await client.until("answer.ack")
    ended = await client.until("session.ended", timeout=10)
    assert ended["reason"] == "time_up"
    feedback = await client.until("feedback", timeout=30)
    assert feedback["question_id"] == question.id
    assert feedback["status"] == "done"
    assert "submitted_at_time_up" in feedback["flags"]
    assert feedback["feedback"].startswith("Submitted when time ran out")
    summary = await client.until("session.summary", timeout=10)
    assert summary["answered"] == 1
    await client.close()
    again = await Client.open(server.ws, session["id"], account.token)
    state = await again.until("session.state")
    [view] = state["questions"]
    assert view["answer"]["submitted"] is True
    assert view["answer"]["text"] == GOOD_ANSWER
    await again.close()


async def test_an_empty_draft_is_not_submitted_at_time_up(
    server: ServerThread, http: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    session = await new_session(http, account)
    await end_in(db, session["id"], 2)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "   "})
    await client.until("answer.ack")
    await client.until("session.ended", timeout=10)
    await client.close()
    assert await count(db, AnswerEvaluation) == 0


async def test_a_gap_in_an_answer_gets_one_follow_up_question(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    from coach.llm.bank_loader import load_bank
    from tests.support.grading import evaluate

    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    first = await client.question()
    [asked] = [q for q in load_bank().questions if q.title == first.start["title"] and q.type == "technical"]
    # The rubric's first claims said in full and the rest not at all: a real answer with a gap. How
    # many claims make a gap depends on the question, so ask the app's own grader.
    claims = [claim for c in asked.rubric for claim in c.claims]
    partial = next(
        text for n in range(1, len(claims)) if 2 <= evaluate(asked.id, text := " ".join(claims[:n])).score < 7
    )
    await client.send(
        {"type": "answer.submit", "question_id": first.id, "text": partial, "idempotency_key": "k"}
    )
    feedback = await client.until("feedback")
    assert 2 <= feedback["score"] < 7
    await client.send({"type": "question.next"})
    follow_up = await client.question()
    assert follow_up.start["title"].startswith("Follow-up:")
    assert follow_up.end is not None
    assert follow_up.end["text"] in asked.follow_ups
    await client.close()
