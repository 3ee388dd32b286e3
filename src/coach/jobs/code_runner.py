"""`coach runner`: candidates' code run for the app instances, in a process of its own.

It needs only Redis (for the runs) and bubblewrap with the toolchains: give it no database URL and no
app secrets, and put it on other hosts to keep untrusted code away from the app entirely.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from redis.asyncio import Redis

from coach.sandbox.factory import local_sandbox
from coach.sandbox.remote import Runner
from coach.settings import Settings

log = logging.getLogger("coach.runner")


async def run_runner(settings: Settings, slots: int) -> None:
    """Serve runs until SIGTERM or SIGINT; each slot finishes the run it holds first."""
    assert settings.redis_url, "coach runner takes runs from Redis"
    redis = Redis.from_url(settings.redis_url)
    sandbox = local_sandbox(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await Runner(redis, settings.redis_namespace, sandbox, slots=slots).serve(stop)
    finally:
        await redis.aclose()
        log.info("code runner stopped")
