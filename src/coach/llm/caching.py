"""An interviewer that reuses LLM-written questions from a shared cache before paying for new ones."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

import msgspec

from coach.domain.evaluation import Evaluation
from coach.domain.questions import AnswerRequest, QuestionRequest
from coach.llm.port import Interviewer, QuestionStream
from coach.llm.question_cache import CachedQuestion, PoolKey, QuestionCache, question_id

__all__ = ["CachingInterviewer", "seen_ids"]

log = logging.getLogger("coach.llm.cache")

_PIECES = re.compile(r"\S+\s*|\s+")


def seen_ids(request: QuestionRequest) -> set[str]:
    """What the candidate has seen: ids of the recent question texts, and the bank ids."""
    return {question_id(text) for text in request.recent_questions if text.strip()} | set(
        request.seen_bank_ids
    )


class CachingInterviewer:
    """Wraps the primary (LLM) interviewer: new questions come from the cache when it has an unseen one.

    A miss streams from the primary and, once that stream completes, stores the question for
    other candidates. Follow-ups (about one candidate's answer) are never cached, and only
    questions the primary wrote (`source="llm"`) are stored. A failing cache is logged and
    treated as a miss: the conversation never depends on it.
    """

    def __init__(self, primary: Interviewer, cache: QuestionCache, *, replay_delay: float = 0.0) -> None:
        self.name = primary.name
        self.primary = primary
        self.cache = cache
        self._delay = replay_delay
        self.cache_errors = 0

    async def question(self, request: QuestionRequest) -> QuestionStream:
        if request.follow_up is not None:
            return await self.primary.question(request)
        key = PoolKey.for_request(request)
        try:
            hit = await self.cache.take(key, seen_ids(request))
        except Exception:
            self.cache_errors += 1
            log.warning("question cache take failed; asking the interviewer", exc_info=True)
            hit = None
        if hit is not None:
            meta = msgspec.structs.replace(hit.meta, source="cache")
            return QuestionStream(meta=meta, deltas=self._replay(hit.text))
        stream = await self.primary.question(request)
        if stream.meta.source != "llm":
            return stream
        return QuestionStream(meta=stream.meta, deltas=self._collect(key, stream))

    async def evaluate(self, request: AnswerRequest) -> Evaluation:
        return await self.primary.evaluate(request)

    async def aclose(self) -> None:
        await self.primary.aclose()

    async def _replay(self, text: str) -> AsyncIterator[str]:
        for index, piece in enumerate(_PIECES.findall(text)):
            if self._delay and index:
                # Paced like a model would write, but the first words go out at once.
                await asyncio.sleep(self._delay)
            yield piece

    async def _collect(self, key: PoolKey, stream: QuestionStream) -> AsyncIterator[str]:
        """Pass the primary's deltas through; store the whole text only if the stream ended normally."""
        parts: list[str] = []
        try:
            async for piece in stream.deltas:
                parts.append(piece)
                yield piece
        finally:
            # A consumer that stops early closes us; close the primary's stream (and its connection) too.
            aclose = getattr(stream.deltas, "aclose", None)
            if aclose is not None:
                await aclose()
        text = "".join(parts).strip()
        if not text:
            return
        try:
            await self.cache.put(key, CachedQuestion.of(text, stream.meta))
        except Exception:
            self.cache_errors += 1
            log.warning("question cache put failed", exc_info=True)
