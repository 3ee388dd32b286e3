"""Several app instances and separate worker processes over PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.app import create_app
from coach.settings import Settings
from coach.store.models import AnswerEvaluation, InterviewSession
from tests.fakellm import FakeLLM, Fault
from tests.support.http import new_session, register_http
from tests.support.processes import CoachProcess, coach_env
from tests.support.server import ServerThread
from tests.support.wsclient import Client
from tests.ws.test_interview import GOOD_ANSWER

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def cluster_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, run_worker=False, worker_poll_seconds=0.5)


@pytest.fixture
def two_instances(cluster_settings: Settings) -> Iterator[tuple[ServerThread, ServerThread]]:
    a = ServerThread(create_app(cluster_settings, configure_logs=False)).start()
    b = ServerThread(create_app(cluster_settings, configure_logs=False)).start()
    yield a, b
    a.stop()
    b.stop()


@pytest.fixture
async def http_a(two_instances: tuple[ServerThread, ServerThread]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=two_instances[0].http, timeout=20) as client:
        yield client


async def test_feedback_from_a_worker_process_reaches_sockets_on_every_instance(
    two_instances: tuple[ServerThread, ServerThread],
    http_a: httpx.AsyncClient,
    cluster_settings: Settings,
    tmp_path: Path,
) -> None:
    a, b = two_instances
    worker = CoachProcess(["worker"], coach_env(cluster_settings), tmp_path / "worker.log")
    try:
        account = await register_http(http_a)
        session = await new_session(http_a, account)
        on_a = await Client.open(a.ws, session["id"], account.token)
        question = await on_a.question()
        on_b = await Client.open(b.ws, session["id"], account.token)
        state_b = await on_b.until("session.state")
        assert [q["question_id"] for q in state_b["questions"]] == [question.id]
        await on_a.send(
            {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
        )
        await on_a.until("answer.ack")
        feedback_a = await on_a.until("feedback", timeout=20)
        feedback_b = await on_b.until("feedback", timeout=20)
        assert feedback_a == feedback_b
        assert feedback_a["status"] == "done"
        await on_a.close()
        await on_b.close()
    finally:
        assert worker.stop() == 0, worker.output()
    assert "evaluation worker" in worker.output()


async def _evaluations(db: async_sessionmaker[AsyncSession]) -> list[AnswerEvaluation]:
    async with db() as s:
        return list((await s.execute(select(AnswerEvaluation))).scalars().all())


async def test_a_worker_killed_mid_evaluation_leaves_the_answer_evaluated_exactly_once(
    settings: Settings, fake_llm: FakeLLM, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    llm_settings = dataclasses.replace(
        settings,
        run_worker=False,
        worker_poll_seconds=0.5,
        llm_base_url=fake_llm.base_url,
        llm_api_key="test",
        llm_timeout=30,
        evaluation_lease_seconds=4,
    )
    server = ServerThread(create_app(llm_settings, configure_logs=False)).start()
    env = coach_env(llm_settings)
    try:
        async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
            account = await register_http(http)
            session = await new_session(http, account)
            client = await Client.open(server.ws, session["id"], account.token)
            question = await client.question()
            fake_llm.enqueue_fault(Fault.slow(60, target="evaluation"))
            first = CoachProcess(["worker"], env, tmp_path / "w1.log")
            await client.send(
                {
                    "type": "answer.submit",
                    "question_id": question.id,
                    "text": GOOD_ANSWER,
                    "idempotency_key": "k",
                }
            )
            await client.until("answer.ack")
            deadline = time.monotonic() + 20
            while not any(e.kind == "evaluation" for e in fake_llm.exchanges):
                assert time.monotonic() < deadline, first.output()
                await asyncio.sleep(0.05)
            first.kill()  # mid-call: the lease is held, nothing was stored
            [job] = await _evaluations(db)
            assert job.status == "running"
            second = CoachProcess(["worker"], env, tmp_path / "w2.log")
            try:
                feedback = await client.until("feedback", timeout=30)
                assert feedback["status"] == "done"
                await asyncio.sleep(1.0)
                with pytest.raises(TimeoutError):
                    await client.until("feedback", timeout=1.0)  # exactly one feedback
            finally:
                assert second.stop() == 0, second.output()
            await client.close()
    finally:
        server.stop()
    [job] = await _evaluations(db)
    assert job.status == "done"
    # The killed attempt and the one that stored the result; on a loaded machine the second worker's
    # LLM call can also run past its deadline (0.8 x the lease) and be retried once more. Exactly
    # once is what the single feedback and the aggregate counted once show.
    assert job.attempts >= 2
    assert job.score is not None
    async with db() as s:
        stored = await s.get(InterviewSession, uuid.UUID(session["id"]))
    assert stored is not None
    assert stored.score == job.score  # counted once in the aggregate
