"""CachingInterviewer: cache hits replay, misses stream from the LLM and fill the pool, follow-ups bypass."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from coach.domain.bank import Criterion
from coach.domain.evaluation import Evaluation
from coach.domain.questions import AnswerRequest, FollowUp, QuestionMeta, QuestionRequest, QuestionSource
from coach.llm.caching import CachingInterviewer, seen_ids
from coach.llm.port import Interviewer, InterviewerError, QuestionStream
from coach.llm.question_cache import CachedQuestion, MemoryQuestionCache, PoolKey, question_id

RUBRIC = [Criterion(id="a", name="A", weight=1.0, key_points=["p"], weak="w", fair="f", strong="s")]
TEXT = "How would you shard a user table, and what breaks when you do?"
REQUEST = QuestionRequest(type="system_design", difficulty="hard", role="backend engineer")
KEY = PoolKey.for_request(REQUEST)


def meta(source: QuestionSource = "llm", bank_id: str = "sd-1") -> QuestionMeta:
    return QuestionMeta(
        kind="system_design", title="Sharding", skills=["data"], rubric=RUBRIC, bank_id=bank_id, source=source
    )


class FakeLLM:
    """Streams `text` in three pieces; `fail_after` pieces raises mid-stream."""

    name = "fake-llm"

    def __init__(self, text: str = TEXT, *, source: QuestionSource = "llm", fail_after: int | None = None):
        self.text = text
        self.source: QuestionSource = source
        self.fail_after = fail_after
        self.asked: list[QuestionRequest] = []
        self.evaluated: list[AnswerRequest] = []
        self.closed = False

    async def question(self, request: QuestionRequest) -> QuestionStream:
        self.asked.append(request)
        return QuestionStream(meta=meta(self.source), deltas=self._deltas())

    async def _deltas(self) -> AsyncIterator[str]:
        third = len(self.text) // 3
        for i, piece in enumerate([self.text[:third], self.text[third : 2 * third], self.text[2 * third :]]):
            if self.fail_after is not None and i >= self.fail_after:
                raise InterviewerError("stream cut")
            yield piece

    async def evaluate(self, request: AnswerRequest) -> Evaluation:
        self.evaluated.append(request)
        return Evaluation(score=5.0, feedback="ok", strengths=[], improvements=[], skill_scores={})

    async def aclose(self) -> None:
        self.closed = True


async def drain(stream: QuestionStream) -> list[str]:
    return [piece async for piece in stream.deltas]


def interviewer(llm: FakeLLM, cache: MemoryQuestionCache) -> CachingInterviewer:
    wrapped: Interviewer = CachingInterviewer(llm, cache)  # it satisfies the port
    assert isinstance(wrapped, CachingInterviewer)
    return wrapped


async def test_a_miss_streams_from_the_llm_and_stores_the_question() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    stream = await interviewer(llm, cache).question(REQUEST)
    assert stream.meta.source == "llm"
    assert "".join(await drain(stream)) == TEXT
    assert len(llm.asked) == 1
    assert (cache.misses, cache.stores) == (1, 1)
    stored = await cache.take(KEY, set())
    assert stored == CachedQuestion(id=question_id(TEXT), text=TEXT, meta=meta())


async def test_a_hit_replays_the_cached_text_in_pieces_without_calling_the_llm() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    await cache.put(KEY, CachedQuestion.of(TEXT, meta()))
    stream = await interviewer(llm, cache).question(REQUEST)
    pieces = await drain(stream)
    assert "".join(pieces) == TEXT
    assert len(pieces) == len(TEXT.split())
    assert stream.meta.source == "cache"
    assert stream.meta.bank_id == "sd-1"
    assert llm.asked == []


async def test_the_second_candidate_gets_the_first_ones_question_from_the_cache() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    caching = interviewer(llm, cache)
    await drain(await caching.question(REQUEST))
    second = await caching.question(REQUEST)
    assert second.meta.source == "cache"
    assert "".join(await drain(second)) == TEXT
    assert len(llm.asked) == 1


async def test_a_candidate_who_saw_the_question_gets_a_new_one_from_the_llm() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    await cache.put(KEY, CachedQuestion.of(TEXT, meta()))
    request = QuestionRequest(
        type="system_design",
        difficulty="hard",
        role="backend engineer",
        recent_questions=[TEXT.upper() + "  "],
    )
    stream = await interviewer(llm, cache).question(request)
    assert stream.meta.source == "llm"
    assert len(llm.asked) == 1


async def test_a_candidate_who_saw_the_exemplar_gets_a_new_one_from_the_llm() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    await cache.put(KEY, CachedQuestion.of(TEXT, meta(bank_id="sd-1")))
    request = QuestionRequest(type="system_design", difficulty="hard", role="backend", seen_bank_ids=["sd-1"])
    stream = await interviewer(llm, cache).question(request)
    assert stream.meta.source == "llm"


async def test_a_stream_that_fails_is_not_cached() -> None:
    llm, cache = FakeLLM(fail_after=2), MemoryQuestionCache()
    stream = await interviewer(llm, cache).question(REQUEST)
    with pytest.raises(InterviewerError):
        await drain(stream)
    assert cache.stores == 0


async def test_a_stream_abandoned_early_is_not_cached() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    stream = await interviewer(llm, cache).question(REQUEST)
    deltas = stream.deltas
    assert isinstance(deltas, AsyncIterator)
    await anext(deltas)
    await deltas.aclose()  # type: ignore[attr-defined]
    assert cache.stores == 0


async def test_follow_ups_are_never_taken_from_or_put_in_the_cache() -> None:
    llm, cache = FakeLLM(), MemoryQuestionCache()
    await cache.put(KEY, CachedQuestion.of("A cached question?", meta()))
    follow = FollowUp(position=0, question=TEXT, answer="hash it", gaps=[], prompts=["Why?"], meta=meta())
    request = QuestionRequest(type="system_design", difficulty="hard", role="backend", follow_up=follow)
    stream = await interviewer(llm, cache).question(request)
    await drain(stream)
    assert llm.asked == [request]
    assert (cache.hits, cache.misses, cache.stores) == (0, 0, 1)


async def test_bank_questions_from_the_primary_are_not_cached() -> None:
    llm, cache = FakeLLM(source="bank"), MemoryQuestionCache()
    await drain(await interviewer(llm, cache).question(REQUEST))
    assert cache.stores == 0


class BrokenCache(MemoryQuestionCache):
    async def take(self, key: PoolKey, exclude: set[str]) -> CachedQuestion | None:
        raise ConnectionError("redis down")

    async def put(self, key: PoolKey, question: CachedQuestion) -> None:
        raise ConnectionError("redis down")


async def test_a_failing_cache_degrades_to_the_llm() -> None:
    llm = FakeLLM()
    caching = CachingInterviewer(llm, BrokenCache())
    assert "".join(await drain(await caching.question(REQUEST))) == TEXT
    assert caching.cache_errors == 2


async def test_evaluate_and_aclose_delegate_to_the_primary() -> None:
    llm = FakeLLM()
    caching = CachingInterviewer(llm, MemoryQuestionCache())
    answer = AnswerRequest(question=TEXT, meta=meta(), answer="shard by user id")
    assert (await caching.evaluate(answer)).score == 5.0
    assert llm.evaluated == [answer]
    await caching.aclose()
    assert llm.closed
    assert caching.name == "fake-llm"


def test_seen_ids_are_text_hashes_and_bank_ids() -> None:
    request = QuestionRequest(
        type="technical", difficulty="easy", role="x", recent_questions=["Q one?", " "], seen_bank_ids=["b-1"]
    )
    assert seen_ids(request) == {question_id("Q one?"), "b-1"}
