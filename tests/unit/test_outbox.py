"""A socket's outbox: deltas merged while the client lags, order kept, memory bounded."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from coach import protocol as m
from coach.ws.outbox import Outbox, Overflow


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.frames: list[dict[str, object]] = []
        self.delay = delay

    async def send(self, frame: bytes) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.frames.append(json.loads(frame))


async def test_deltas_that_queue_behind_a_slow_client_go_out_as_one_frame() -> None:
    recorder = Recorder(delay=0.05)
    outbox = Outbox(recorder.send)
    sender = asyncio.create_task(outbox.run())
    outbox.offer(m.QuestionDelta(question_id="q", text="a"))
    await asyncio.sleep(0.01)  # "a" is on its way; the rest waits behind it
    for piece in ("b", "c", "d"):
        outbox.offer(m.QuestionDelta(question_id="q", text=piece))
    outbox.offer(m.QuestionEnd(question_id="q", text="abcd"))
    await asyncio.sleep(0.25)
    sender.cancel()
    assert [(f["type"], f.get("text")) for f in recorder.frames] == [
        ("question.delta", "a"),
        ("question.delta", "bcd"),
        ("question.end", "abcd"),
    ]


async def test_the_first_delta_goes_out_at_once() -> None:
    recorder = Recorder()
    outbox = Outbox(recorder.send)
    sender = asyncio.create_task(outbox.run())
    outbox.offer(m.QuestionDelta(question_id="q", text="Hello"))
    await asyncio.sleep(0.01)
    sender.cancel()
    assert recorder.frames == [{"type": "question.delta", "question_id": "q", "text": "Hello"}]


async def test_other_messages_keep_their_place_after_pending_deltas() -> None:
    recorder = Recorder()
    outbox = Outbox(recorder.send)
    sender = asyncio.create_task(outbox.run())
    outbox.offer(m.QuestionDelta(question_id="q", text="a"))
    await asyncio.sleep(0.005)
    outbox.offer(m.QuestionDelta(question_id="q", text="b"))
    outbox.offer(m.QuestionEnd(question_id="q", text="ab"))
    outbox.offer(m.QuestionDelta(question_id="r", text="c"))
    await asyncio.sleep(0.2)
    sender.cancel()
    assert [(f["type"], f.get("text")) for f in recorder.frames] == [
        ("question.delta", "a"),
        ("question.delta", "b"),
        ("question.end", "ab"),
        ("question.delta", "c"),
    ]


async def test_a_client_that_stops_reading_overflows_instead_of_growing_memory() -> None:
    stalled = asyncio.Event()

    async def never(frame: bytes) -> None:
        await stalled.wait()

    outbox = Outbox(never, max_frames=50)
    sender = asyncio.create_task(outbox.run())
    offered = 0

    async def flood() -> None:
        nonlocal offered
        for i in range(1000):
            outbox.offer(m.Pong(server_time=datetime(2026, 1, 1, tzinfo=UTC)))
            offered += 1
            if i % 10 == 0:
                await asyncio.sleep(0)

    with pytest.raises(Overflow):
        await flood()
    assert outbox.overflowed
    assert offered <= 52
    sender.cancel()


async def test_a_send_that_hangs_times_out() -> None:
    async def hang(frame: bytes) -> None:
        await asyncio.sleep(10)

    outbox = Outbox(hang, send_timeout=0.05)
    sender = asyncio.create_task(outbox.run())
    outbox.offer(m.Error(code="x", message="y"))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(sender, 1)
