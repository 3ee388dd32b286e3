"""`coach worker`: evaluation workers in their own process, stopped cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from coach.jobs.expiry import sweep_expired
from coach.runtime import Runtime

log = logging.getLogger("coach.worker")


async def run_workers(runtime: Runtime, concurrency: int) -> None:
    """Run `concurrency` worker loops until a signal; each finishes its current evaluation first."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workers = [runtime.worker() for _ in range(max(1, concurrency))]
    log.info("starting %d evaluation worker(s)", len(workers))
    try:
        await asyncio.gather(
            *(w.run(stop) for w in workers),
            sweep_expired(runtime.interviews, stop, runtime.settings.worker_poll_seconds),
        )
    finally:
        await runtime.aclose()
        log.info("workers stopped")
