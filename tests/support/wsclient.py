"""A small protocol client for tests: connect with a token, read typed messages with timeouts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TIMEOUT = 15.0


@dataclass
class Question:
    start: dict[str, Any]
    deltas: list[str] = field(default_factory=list)
    end: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.start["question_id"])


class Client:
    """Wraps a `websockets` connection with helpers that read until a message type arrives."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, base: str, session_id: str, token: str | None, **headers: str) -> Client:
        extra = dict(headers)
        if token:
            extra["Authorization"] = f"Bearer {token}"
        connection = await connect(
            f"{base}/ws/sessions/{session_id}", additional_headers=extra, open_timeout=10
        )
        return cls(connection)

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        self.seen.append(message)
        return message

    async def until(self, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Read messages until one of `kind` arrives; return it."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.recv(timeout)
                if message["type"] == kind:
                    return message

    async def question(self, timeout: float = TIMEOUT) -> Question:
        """Read a whole streamed question: start, deltas, end."""
        async with asyncio.timeout(timeout):
            start = await self.until("question.start")
            question = Question(start)
            while True:
                message = await self.recv()
                if message["type"] == "question.delta" and message["question_id"] == question.id:
                    question.deltas.append(message["text"])
                elif message["type"] == "question.end" and message["question_id"] == question.id:
                    question.end = message
                    return question

    async def close(self) -> None:
        await self.connection.close()
