"""Code run by `coach runner` processes through Redis, away from the app: no runner means "not run",
a runner started with nothing but Redis runs the Run button's code and the tests on submit."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.settings import Settings
from tests.support.factories import Account
from tests.support.processes import CoachProcess
from tests.support.server import ServerThread
from tests.ws.test_code_runs import BUGGY, CORRECT, RUN_TIMEOUT, run, two_sum_question

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("backend", ["postgres"], indirect=True),
    pytest.mark.timeout(240),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, code_runner="remote")


def runner_env(settings: Settings) -> dict[str, str]:
    """Only what a runner needs: Redis and its namespace. No database, no secret key."""
    assert settings.redis_url
    keep = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"REDIS_URL": settings.redis_url, "COACH_REDIS_NAMESPACE": settings.redis_namespace})
    return env


async def wait_for_runner(settings: Settings) -> None:
    redis = Redis.from_url(settings.redis_url or "")
    try:
        async with asyncio.timeout(30):
            while not await redis.zcard(f"{settings.redis_namespace}:runner:alive"):
                await asyncio.sleep(0.2)
    finally:
        await redis.aclose()


async def test_runs_go_to_a_runner_process_and_none_up_means_not_run(
    server: ServerThread,
    http: httpx.AsyncClient,
    account: Account,
    db: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    _, client, qid = await two_sum_question(server, http, account, db)
    nobody = await run(client, qid, CORRECT)
    assert nobody["status"] == "unavailable"
    assert "no code runner is up" in nobody["message"]
    # Submitted while no runner is up: the evaluation waits for one instead of scoring "not run".
    await client.send(
        {
            "type": "answer.submit",
            "question_id": qid,
            "text": CORRECT,
            "language": "python",
            "idempotency_key": "k",
        }
    )
    await client.until("answer.ack")
    with pytest.raises(TimeoutError):
        await client.until("feedback", timeout=3)

    runner = CoachProcess(["runner", "--slots", "2"], runner_env(settings), tmp_path / "runner.log")
    try:
        await wait_for_runner(settings)
        feedback = await client.until("feedback", timeout=RUN_TIMEOUT)
        assert feedback["tests"]["status"] == "passed", (feedback, runner.output())
        assert feedback["score"] >= 7.0
        assert "code_not_run" not in feedback["flags"]

        await asyncio.sleep(2.5)  # the app caches the runner count for 2 s
        passed = await run(client, qid, CORRECT)
        assert passed["status"] == "passed", (passed, runner.output())
        failed = await run(client, qid, BUGGY, input="[[3,4], 6]")
        assert failed["status"] == "failed"
    finally:
        code = runner.stop()
        await client.close()
    assert code == 0, runner.output()
    assert "code runner stopped" in runner.output()
