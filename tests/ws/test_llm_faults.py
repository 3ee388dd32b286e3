"""A misbehaving LLM never breaks the conversation: bank questions stand in, evaluations retry then fail visibly."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from coach.app import create_app
from coach.settings import Settings
from tests.fakellm import FakeLLM, Fault
from tests.support.factories import Account
from tests.support.http import new_session, register_http
from tests.support.server import ServerThread
from tests.support.wsclient import Client
from tests.ws.test_interview import GOOD_ANSWER

pytestmark = pytest.mark.slow


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM(token_delay=0.005) as fake:
        yield fake


@pytest.fixture
def settings_llm(settings: Settings, fake_llm: FakeLLM) -> Settings:
    return dataclasses.replace(
        settings,
        llm_base_url=fake_llm.base_url,
        llm_api_key="test",
        llm_timeout=5,
        llm_stream_idle_timeout=0.5,
        evaluation_max_attempts=2,
        evaluation_offline_fallback=False,
        worker_poll_seconds=0.2,
    )


@pytest.fixture
def app(settings_llm: Settings) -> Litestar:
    return create_app(settings_llm, configure_logs=False)


@pytest.fixture
def server(app: Litestar) -> Iterator[ServerThread]:
    running = ServerThread(app).start()
    yield running
    running.stop()


async def test_questions_stream_from_the_llm(
    server: ServerThread, http: httpx.AsyncClient, account: Account, fake_llm: FakeLLM
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    assert question.end is not None
    assert question.end["text"] == fake_llm.question
    assert len(question.deltas) >= 1
    await client.close()


@pytest.mark.parametrize(
    "fault",
    [
        Fault.stall(after_chunks=3, seconds=30, target="question"),
        Fault.cut(after_chunks=3, target="question"),
    ],
)
async def test_a_stream_that_breaks_mid_question_is_withdrawn_and_a_bank_question_follows(
    server: ServerThread, http: httpx.AsyncClient, account: Account, fake_llm: FakeLLM, fault: Fault
) -> None:
    fake_llm.enqueue_fault(fault)
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    first = await client.until("question.start")
    cancel = await client.until("question.cancel", timeout=10)
    assert cancel["question_id"] == first["question_id"]
    replacement = await client.question()
    assert replacement.id != first["question_id"]
    assert replacement.end is not None
    assert replacement.end["text"] != fake_llm.question
    assert "".join(replacement.deltas) == replacement.end["text"]
    # The conversation goes on.
    await client.send(
        {"type": "answer.submit", "question_id": replacement.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    assert (await client.until("answer.ack"))["submitted"] is True
    await client.close()


async def test_an_llm_that_fails_before_the_first_token_is_replaced_silently(
    server: ServerThread, http: httpx.AsyncClient, account: Account, fake_llm: FakeLLM
) -> None:
    fake_llm.enqueue_fault(*[Fault.http(500, target="question") for _ in range(10)])
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question(timeout=20)
    assert question.end is not None
    assert question.end["text"] != fake_llm.question
    assert not any(m["type"] == "question.cancel" for m in client.seen)
    await client.close()


async def test_evaluation_faults_retry_then_fail_visibly_and_can_be_retried(
    server: ServerThread, http: httpx.AsyncClient, account: Account, fake_llm: FakeLLM
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    fake_llm.enqueue_fault(*[Fault.http(500, target="evaluation") for _ in range(20)])
    await client.send(
        {"type": "answer.submit", "question_id": question.id, "text": GOOD_ANSWER, "idempotency_key": "k"}
    )
    await client.until("answer.ack")
    failed = await client.until("feedback", timeout=40)
    assert failed["status"] == "failed"
    assert "failed after 2 attempts" in failed["error"]
    evaluation_calls = [e for e in fake_llm.exchanges if e.kind == "evaluation"]
    assert len(evaluation_calls) >= 2
    fake_llm.clear()
    retry = await http.post(
        f"/api/sessions/{session['id']}/questions/{question.id}/retry-evaluation", headers=account.headers
    )
    assert retry.status_code == 200
    done = await client.until("feedback", timeout=20)
    assert done["status"] == "done"
    await client.close()


async def test_exhausted_retries_fall_back_to_the_offline_evaluator_when_enabled(
    settings_llm: Settings, fake_llm: FakeLLM
) -> None:
    app = create_app(
        dataclasses.replace(settings_llm, evaluation_offline_fallback=True), configure_logs=False
    )
    server = ServerThread(app).start()
    try:
        async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
            account = await register_http(http)
            session = await new_session(http, account)
            client = await Client.open(server.ws, session["id"], account.token)
            question = await client.question()
            fake_llm.enqueue_fault(*[Fault.http(500, target="evaluation") for _ in range(20)])
            await client.send(
                {
                    "type": "answer.submit",
                    "question_id": question.id,
                    "text": GOOD_ANSWER,
                    "idempotency_key": "k",
                }
            )
            feedback = await client.until("feedback", timeout=40)
            assert feedback["status"] == "done"
            assert "offline_fallback" in feedback["flags"]
            await client.close()
    finally:
        server.stop()
