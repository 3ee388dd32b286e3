"""`coach worker`: evaluation workers in their own process, stopped cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from coach.broker.bus import RedisBus
from coach.runtime import Runtime

log = logging.getLogger("coach.worker")


class _NoBus:
    """Without Redis a worker process cannot reach the app's sockets; feedback waits in the database."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    async def publish(self, channel: str, data: bytes) -> None:
        return None


async def run_workers(runtime: Runtime, concurrency: int) -> None:
    """Run `concurrency` worker loops until a signal; each finishes its current evaluation first."""
    if runtime.redis is not None:
        runtime.attach_bus(RedisBus(runtime.redis, runtime.settings.redis_namespace))
    else:
        log.warning("REDIS_URL is not set: feedback is stored but not pushed to open sockets")
        runtime.attach_bus(_NoBus(runtime.settings.redis_namespace))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workers = [runtime.worker() for _ in range(max(1, concurrency))]
    log.info("starting %d evaluation worker(s)", len(workers))
    try:
        await asyncio.gather(*(w.run(stop) for w in workers))
    finally:
        await runtime.aclose()
        log.info("workers stopped")
