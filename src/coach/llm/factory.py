"""Choose the interviewer from settings: OpenAI-compatible when an endpoint is set, offline otherwise."""

from __future__ import annotations

from redis.asyncio import Redis

from coach.domain.bank_index import Bank
from coach.domain.evaluator import Grader
from coach.embeddings.minilm import shared_embedder
from coach.llm.caching import CachingInterviewer
from coach.llm.offline import OfflineInterviewer
from coach.llm.openai_adapter import OpenAIInterviewer
from coach.llm.port import Interviewer
from coach.llm.question_cache import MemoryQuestionCache, QuestionCache, RedisQuestionCache
from coach.settings import Settings


def build_interviewers(
    settings: Settings, bank: Bank, redis: Redis | None = None
) -> tuple[Interviewer, OfflineInterviewer]:
    """The primary interviewer and the offline one it falls back to.

    With an LLM, questions it writes go to a shared pool (Redis when configured) and are
    served again to candidates who have not seen them: the design's cost lever
    (`COACH_QUESTION_CACHE_TTL=0` turns it off).
    """
    grader = Grader(
        bank, shared_embedder()
    )  # one grader: the offline interviewer's and the LLM judge's findings
    offline = OfflineInterviewer(bank, grader, token_delay=settings.offline_token_delay)
    if not settings.llm_enabled:
        return offline, offline
    llm = OpenAIInterviewer(
        base_url=settings.llm_base_url or "https://api.openai.com/v1",
        api_key=settings.llm_api_key or "not-needed",
        model=settings.llm_model,
        bank=bank,
        grader=grader,
        call_deadline=settings.llm_timeout,
        stream_idle_timeout=settings.llm_stream_idle_timeout,
    )
    if settings.question_cache_ttl <= 0:
        return llm, offline
    cache: QuestionCache = (
        RedisQuestionCache(
            redis,
            settings.redis_namespace,
            ttl=settings.question_cache_ttl,
            max_per_pool=settings.question_cache_size,
        )
        if redis is not None
        else MemoryQuestionCache(ttl=settings.question_cache_ttl, max_per_pool=settings.question_cache_size)
    )
    return CachingInterviewer(llm, cache, replay_delay=settings.offline_token_delay), offline
