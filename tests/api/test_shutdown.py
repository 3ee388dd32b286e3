"""Shutting down: work still running when the server stops can still tell its sockets."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

from coach.app import create_app
from coach.runtime import Runtime
from coach.services.events import session_channel
from coach.settings import Settings


async def test_a_publish_while_background_work_drains_still_reaches_subscribers(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, run_worker=False), configure_logs=False)
    runtime: Runtime = app.state.runtime
    assert runtime.channels is not None
    channel = session_channel(runtime.bus.namespace, uuid.uuid4())
    outcome: list[str] = []
    received: list[bytes] = []

    async def late_publish() -> None:
        await asyncio.sleep(0.3)
        try:
            await runtime.bus.publish(channel, b'{"type":"late"}')
        except Exception as exc:
            outcome.append(f"failed: {exc!r}")
        else:
            outcome.append("published")

    async with app.lifespan():
        subscriber = await runtime.channels.subscribe([channel])

        async def collect() -> None:
            async for event in subscriber.iter_events():
                received.append(event)

        collector = asyncio.create_task(collect())
        runtime.spawn(late_publish(), "late-publish")
    # The lifespan is over: the runtime drained its task before the channels closed.
    await asyncio.sleep(0.05)
    collector.cancel()
    assert outcome == ["published"]
    # (Over Redis a resync marker may come too: the backend's reconnect check; sockets reload on it.)
    assert b'{"type":"late"}' in received
