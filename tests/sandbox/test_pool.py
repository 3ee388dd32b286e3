"""The bounded runner: N at once, a short queue, `Busy` with a retry hint past it, never a hang."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.sandbox.pool import BoundedSandbox, Busy
from coach.sandbox.port import Step, StepResult

DONE = StepResult(0, b"", b"", False, False, 0.0, 0.0, 0)


class GatedSandbox:
    """Holds every run until the test opens the gate, counting how many ran at once."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.active = 0
        self.peak = 0

    def available(self) -> bool:
        return True

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self.gate.wait()
            return [DONE]
        finally:
            self.active -= 1


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_runs_beyond_the_queue_are_refused_at_once_with_a_retry_hint() -> None:
    inner = GatedSandbox()
    pool = BoundedSandbox(inner, concurrency=2, queue=1)
    tasks = [asyncio.create_task(pool.run({}, [])) for _ in range(3)]
    await _settle()
    assert (pool.running, pool.waiting) == (2, 1)
    with pytest.raises(Busy) as refused:
        await asyncio.wait_for(pool.run({}, []), timeout=1)
    assert refused.value.retry_after_seconds >= 1
    assert "try again in" in str(refused.value)
    inner.gate.set()
    assert [r[0].exit_code for r in await asyncio.gather(*tasks)] == [0, 0, 0]
    assert inner.peak == 2
    assert (pool.running, pool.waiting, pool.refused) == (0, 0, 1)


async def test_a_queued_run_gives_up_after_the_longest_wait() -> None:
    inner = GatedSandbox()
    pool = BoundedSandbox(inner, concurrency=1, queue=5, max_wait_seconds=0.05)
    first = asyncio.create_task(pool.run({}, []))
    await _settle()
    with pytest.raises(Busy):
        await pool.run({}, [])
    assert pool.waiting == 0
    inner.gate.set()
    await first


async def test_a_cancelled_caller_frees_its_place() -> None:
    inner = GatedSandbox()
    pool = BoundedSandbox(inner, concurrency=1, queue=1)
    running = asyncio.create_task(pool.run({}, []))
    queued = asyncio.create_task(pool.run({}, []))
    await _settle()
    queued.cancel()
    running.cancel()
    await asyncio.gather(running, queued, return_exceptions=True)
    assert (pool.running, pool.waiting) == (0, 0)
    inner.gate.set()
    assert (await pool.run({}, []))[0].ok


async def test_real_runs_are_bounded(sandbox: BubblewrapSandbox) -> None:
    pool = BoundedSandbox(sandbox, concurrency=2, queue=2)
    step = Step(["/bin/sh", "-c", "sleep 0.3; echo done"])
    outcomes = await asyncio.gather(*(pool.run({}, [step]) for _ in range(6)), return_exceptions=True)
    done = [o for o in outcomes if isinstance(o, list)]
    busy = [o for o in outcomes if isinstance(o, Busy)]
    assert len(done) == 4
    assert len(busy) == 2
    assert all(r[0].stdout == b"done\n" for r in done)
