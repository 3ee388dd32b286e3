"""A question's stream on the session channel: deltas joined per window, other messages in order."""

from __future__ import annotations

import asyncio
import json
import uuid

from coach import protocol as m
from coach.services.question_broadcast import QuestionBroadcast


class Channel:
    """Records what is published, like the channels plugin would carry it."""

    namespace = "test"

    def __init__(self) -> None:
        self.frames: list[dict[str, object]] = []

    async def publish(self, channel: str, data: bytes) -> None:
        self.frames.append(json.loads(data))


async def test_a_fast_stream_costs_about_one_publish_per_window() -> None:
    channel = Channel()
    send = QuestionBroadcast(channel, uuid.uuid4(), window=0.02)
    pieces = [f"w{i} " for i in range(400)]
    started = asyncio.get_running_loop().time()
    for piece in pieces:
        await send(m.QuestionDelta(question_id="q", text=piece))
        await asyncio.sleep(0.0005)
    await send(m.QuestionEnd(question_id="q", text="".join(pieces)))
    elapsed = asyncio.get_running_loop().time() - started
    deltas = [f for f in channel.frames if f["type"] == "question.delta"]
    assert "".join(str(f["text"]) for f in deltas) == "".join(pieces)
    assert len(deltas) <= elapsed / 0.02 + 3
    assert len(deltas) < len(pieces) / 4
    assert channel.frames[-1]["type"] == "question.end"


async def test_the_first_delta_goes_out_at_once_and_a_new_question_flushes_the_last() -> None:
    channel = Channel()
    send = QuestionBroadcast(channel, uuid.uuid4(), window=10.0)
    await send(m.QuestionDelta(question_id="q", text="Hello"))
    assert [f.get("text") for f in channel.frames] == ["Hello"]
    await send(m.QuestionDelta(question_id="q", text=" there"))
    await send(m.QuestionDelta(question_id="r", text="Next"))
    await send.flush()
    assert [(f["question_id"], f.get("text")) for f in channel.frames] == [
        ("q", "Hello"),
        ("q", " there"),
        ("r", "Next"),
    ]
