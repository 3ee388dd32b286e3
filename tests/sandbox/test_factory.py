"""The startup choice: bounded bubblewrap when it works, otherwise code runs are off and the log says why."""

from __future__ import annotations

import logging

import pytest

from coach.sandbox.bubblewrap import SandboxUnavailable
from coach.sandbox.factory import DisabledSandbox, create_sandbox
from coach.sandbox.pool import BoundedSandbox
from coach.sandbox.port import Step
from tests.sandbox.conftest import require


@pytest.mark.parametrize(
    ("env", "level", "words"), [("dev", logging.WARNING, "off"), ("prod", logging.ERROR, "OFF in prod")]
)
async def test_without_bwrap_code_runs_are_off_and_the_log_says_how_to_enable(
    caplog: pytest.LogCaptureFixture, env: str, level: int, words: str
) -> None:
    caplog.set_level(logging.INFO, logger="coach.sandbox.factory")
    sandbox = create_sandbox(env=env, concurrency=2, queue=4, bwrap="/nonexistent/bwrap")
    assert isinstance(sandbox, DisabledSandbox)
    assert not sandbox.available()
    with pytest.raises(SandboxUnavailable):
        await sandbox.run({}, [Step(["/bin/true"])])
    [record] = caplog.records
    assert record.levelno == level
    assert f"code runs: {words}" in record.getMessage()
    assert "apt-get install bubblewrap" in record.getMessage()


async def test_with_bwrap_runs_go_through_the_bounded_sandbox(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="coach.sandbox.factory")
    sandbox = create_sandbox(env="prod", concurrency=1, queue=0)
    require(sandbox.available(), "bwrap does not work here")
    assert isinstance(sandbox, BoundedSandbox)
    [result] = await sandbox.run({}, [Step(["/bin/echo", "on"])])
    assert result.stdout == b"on\n"
    assert "code runs: on" in caplog.records[0].getMessage()
