"""The offline interviewer: questions from the built-in bank, answers scored against their rubric."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from coach.domain.bank_index import Bank, question_text, to_meta
from coach.domain.evaluation import Evaluation
from coach.domain.evaluator import Grader
from coach.domain.followups import follow_up_meta
from coach.domain.questions import AnswerRequest, QuestionRequest
from coach.llm.port import QuestionStream

_PIECES = re.compile(r"\S+\s*|\s+")


class OfflineInterviewer:
    """Needs no network or key; streams bank questions word by word like a model would."""

    name = "offline"

    def __init__(self, bank: Bank, grader: Grader, *, token_delay: float = 0.02) -> None:
        self._bank = bank
        self._grader = grader
        self._delay = token_delay

    @property
    def grader(self) -> Grader:
        return self._grader

    async def question(self, request: QuestionRequest) -> QuestionStream:
        if request.follow_up is not None and request.follow_up.prompts:
            follow = request.follow_up
            text = follow.prompts[request.seed % len(follow.prompts)]
            meta = follow_up_meta(follow.meta, text, follow.position, "bank")
            return QuestionStream(meta=meta, deltas=self._stream(text))
        chosen = self._bank.pick(request)
        return QuestionStream(
            meta=to_meta(chosen, request.language), deltas=self._stream(question_text(chosen))
        )

    async def evaluate(self, request: AnswerRequest) -> Evaluation:
        # Embedding the answer takes tens of milliseconds of CPU; a thread keeps streams on the loop smooth.
        return await asyncio.to_thread(self._grader.evaluate, request)

    async def aclose(self) -> None:
        return None

    async def _stream(self, text: str) -> AsyncIterator[str]:
        for index, piece in enumerate(_PIECES.findall(text)):
            if self._delay and index:
                await asyncio.sleep(self._delay)
            yield piece
