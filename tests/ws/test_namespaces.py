"""COACH_REDIS_NAMESPACE covers session channels too: two deployments on one Redis never hear each other."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from coach import protocol as m
from coach.broker.bus import RedisBus
from coach.services.events import publish, session_channel
from tests.support.services import REDIS_URL

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_a_session_event_reaches_only_its_own_namespace(backend: str) -> None:
    # tests/ws/test_redis_resilience.py kills every pub/sub connection on the shared Redis, maybe while
    # this runs in another process: a killed connection is a reason to try again, not a failure.
    for attempt in range(3):
        try:
            await _check_isolation()
            return
        except (RedisConnectionError, TimeoutError):
            if attempt == 2:
                raise


async def _check_isolation() -> None:
    first, second = f"coachtest:{uuid.uuid4().hex[:8]}", f"coachtest:{uuid.uuid4().hex[:8]}"
    session_id = uuid.uuid4()
    redis = Redis.from_url(REDIS_URL)
    pubsub = redis.pubsub()
    try:
        await pubsub.subscribe(session_channel(first, session_id), session_channel(second, session_id))
        await publish(RedisBus(redis, first), session_id, m.SessionEnded(reason="completed"))
        heard: list[tuple[str, bytes]] = []
        async with asyncio.timeout(5):
            while not heard:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    heard.append((message["channel"].decode(), message["data"]))
        await asyncio.sleep(0.3)
        extra = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.3)
        assert extra is None, f"the other namespace heard {extra}"
        assert heard == [(f"{first}:session:{session_id}", m.encode(m.SessionEnded(reason="completed")))]
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await redis.aclose()
