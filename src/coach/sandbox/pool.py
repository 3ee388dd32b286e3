"""At most N runs at once per process, a short queue behind them, and a clear `Busy` past that.

Code runs cost whole CPU seconds and hundreds of MB each, so a burst must not start them all. A caller
over the limit gets `Busy(retry_after_seconds)` at once (or after waiting at most `max_wait_seconds`
in the queue), never an open-ended wait; the estimate comes from how long recent runs took.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping, Sequence

from coach.sandbox.port import Sandbox, Step, StepResult


class Busy(Exception):
    """Every run slot and queue place is taken: try again in `retry_after_seconds`."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"busy: too many code runs at once, try again in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


class BoundedSandbox:
    """A `Sandbox` that lets `concurrency` runs go at once and `queue` more wait, refusing the rest."""

    def __init__(
        self,
        inner: Sandbox,
        *,
        concurrency: int,
        queue: int,
        max_wait_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if concurrency < 1 or queue < 0:
            raise ValueError("concurrency must be at least 1 and queue at least 0")
        self._inner = inner
        self._concurrency = concurrency
        self._queue = queue
        self._max_wait = max_wait_seconds
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._running = 0
        self._waiting = 0
        self._typical_seconds = 1.0
        self.refused = 0

    @property
    def running(self) -> int:
        """Runs in progress."""
        return self._running

    @property
    def waiting(self) -> int:
        """Runs queued for a slot."""
        return self._waiting

    def available(self) -> bool:
        """Whether the wrapped sandbox can run code at all."""
        return self._inner.available()

    def retry_after(self) -> int:
        """Whole seconds until a slot is likely free, from the typical run time and the queue ahead."""
        ahead = self._waiting + 1
        return max(1, math.ceil(self._typical_seconds * ahead / self._concurrency))

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        """Run through the wrapped sandbox when a slot is free; raise `Busy` when the queue is full."""
        if self._running + self._waiting >= self._concurrency + self._queue:
            self.refused += 1
            raise Busy(self.retry_after())
        self._waiting += 1
        try:
            async with asyncio.timeout(self._max_wait):
                await self._slots.acquire()
        except TimeoutError:
            self.refused += 1
            raise Busy(self.retry_after()) from None
        finally:
            self._waiting -= 1
        self._running += 1
        started = self._clock()
        try:
            return await self._inner.run(files, steps)
        finally:
            self._running -= 1
            self._slots.release()
            # A moving average: the estimate follows load changes within a few runs.
            self._typical_seconds = 0.8 * self._typical_seconds + 0.2 * (self._clock() - started)
