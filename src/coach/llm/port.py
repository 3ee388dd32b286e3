"""The interviewer port: the one interface the conversation talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from coach.domain.evaluation import Evaluation
from coach.domain.questions import AnswerRequest, QuestionMeta, QuestionRequest


@dataclass(slots=True)
class QuestionStream:
    """A question being written: its metadata now, its text as an async iterator of deltas."""

    meta: QuestionMeta
    deltas: AsyncIterator[str]


class InterviewerError(Exception):
    """The interviewer could not produce a question or an evaluation (after its own retries)."""


class Interviewer(Protocol):
    """Writes questions and evaluates answers. Adapters: offline (bank + rubric) and OpenAI-compatible."""

    name: str

    async def question(self, request: QuestionRequest) -> QuestionStream:
        """Start the next question; iterate `deltas` for its text."""
        ...

    async def evaluate(self, request: AnswerRequest) -> Evaluation:
        """Score an answer against its question's rubric."""
        ...

    async def aclose(self) -> None:
        """Release clients and connections."""
        ...
