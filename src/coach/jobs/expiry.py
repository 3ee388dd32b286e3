"""The sweep that ends sessions whose time box passed with no socket open (so no timer fired)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from coach.services.interview_cases import InterviewCases

log = logging.getLogger("coach.expiry")


async def sweep_expired(interviews: InterviewCases, stop: asyncio.Event, interval: float) -> None:
    """Every `interval` seconds until `stop`: end the sessions that are past their end (time_up)."""
    while not stop.is_set():
        try:
            ended = await interviews.end_expired()
            if ended:
                log.info("ended %d session(s) at time-up with nobody connected", ended)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiry sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
