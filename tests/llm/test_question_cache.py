"""The question cache: pools per cell, TTL, exclusion of what a candidate saw, counters; memory and Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from coach.domain.bank import Criterion
from coach.domain.questions import QuestionMeta, QuestionRequest
from coach.llm.question_cache import (
    CachedQuestion,
    MemoryQuestionCache,
    PoolKey,
    QuestionCache,
    RedisQuestionCache,
    question_id,
)
from tests.support.services import REDIS_URL, require_services

KEY = PoolKey("technical", "medium", "backend")
RUBRIC = [
    Criterion(id="a", name="A", weight=1.0, key_points=["p"], weak="w", fair="f", strong="s"),
]


def meta(bank_id: str | None = "tech-1") -> QuestionMeta:
    return QuestionMeta(
        kind="technical", title="T", skills=["s"], rubric=RUBRIC, bank_id=bank_id, source="llm"
    )


def cached(text: str, bank_id: str | None = "tech-1") -> CachedQuestion:
    return CachedQuestion.of(text, meta(bank_id))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


MakeCache = Callable[..., QuestionCache]


@pytest.fixture(scope="module")
def redis_problem() -> str | None:
    async def probe() -> str | None:
        client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            await client.ping()
        except Exception as exc:
            return f"Redis at {REDIS_URL} unavailable: {exc}"
        finally:
            await client.aclose()
        return None

    return asyncio.run(probe())


@pytest.fixture
async def redis_client(redis_problem: str | None) -> AsyncIterator[aioredis.Redis]:
    """A client on the test Redis; skips (or fails under CI=true) when it is not running."""
    require_services(redis_problem)
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def namespace(redis_client: aioredis.Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own, whose keys are deleted afterwards."""
    ns = f"coachtest:{uuid.uuid4().hex[:10]}"
    yield ns
    keys = [k async for k in redis_client.scan_iter(match=f"{ns}:*", count=500)]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def make_cache(request: pytest.FixtureRequest) -> MakeCache:
    """A factory for the parametrised kind of cache, taking `ttl` and `max_per_pool`."""
    if request.param == "memory":
        return MemoryQuestionCache
    client: aioredis.Redis = request.getfixturevalue("redis_client")
    ns: str = request.getfixturevalue("namespace")

    def build(ttl: float = 3600.0, max_per_pool: int = 50) -> QuestionCache:
        return RedisQuestionCache(client, ns, ttl, max_per_pool)

    return build


# -- both implementations ------------------------------------------------------------


async def test_an_empty_pool_misses(make_cache: MakeCache) -> None:
    cache = make_cache()
    assert await cache.take(KEY, set()) is None
    assert (cache.hits, cache.misses, cache.stores) == (0, 1, 0)


async def test_a_stored_question_is_served_to_another_candidate(make_cache: MakeCache) -> None:
    cache = make_cache()
    question = cached("Explain consistent hashing.")
    await cache.put(KEY, question)
    assert await cache.take(KEY, set()) == question
    assert await cache.take(KEY, {"someone-else-saw-this"}) == question
    assert (cache.hits, cache.misses, cache.stores) == (2, 0, 1)


async def test_a_question_the_candidate_saw_is_never_served(make_cache: MakeCache) -> None:
    cache = make_cache()
    seen = cached("Explain consistent hashing.", bank_id="tech-1")
    fresh = cached("What does a write-ahead log guarantee?", bank_id="tech-2")
    await cache.put(KEY, seen)
    await cache.put(KEY, fresh)
    for _ in range(3):
        assert await cache.take(KEY, {question_id("  explain CONSISTENT   hashing. ")}) == fresh
    assert await cache.take(KEY, {seen.id, fresh.id}) is None
    assert cache.misses == 1


async def test_a_question_written_from_a_seen_bank_question_is_not_served(make_cache: MakeCache) -> None:
    cache = make_cache()
    await cache.put(KEY, cached("Explain consistent hashing.", bank_id="tech-1"))
    assert await cache.take(KEY, {"tech-1"}) is None


async def test_pools_are_separate_per_cell_and_coding_language(make_cache: MakeCache) -> None:
    cache = make_cache()
    go = PoolKey("coding", "hard", "backend", "go")
    await cache.put(go, cached("Reverse a linked list."))
    assert await cache.take(PoolKey("coding", "hard", "backend", "python"), set()) is None
    assert await cache.take(PoolKey("coding", "hard", "frontend", "go"), set()) is None
    assert await cache.take(PoolKey("coding", "medium", "backend", "go"), set()) is None
    assert await cache.take(go, set()) is not None


async def test_the_oldest_question_is_evicted_past_max_per_pool(make_cache: MakeCache) -> None:
    cache = make_cache(max_per_pool=2)
    first, second, third = (cached(f"Question number {i}?") for i in range(3))
    for q in (first, second, third):
        await cache.put(KEY, q)
    assert await cache.take(KEY, set()) == second
    assert await cache.take(KEY, {second.id}) == third
    assert await cache.take(KEY, {second.id, third.id}) is None


async def test_storing_the_same_text_twice_keeps_one_entry(make_cache: MakeCache) -> None:
    cache = make_cache()
    await cache.put(KEY, cached("Explain consistent hashing."))
    await cache.put(KEY, cached("explain  consistent hashing."))
    only = await cache.take(KEY, set())
    assert only is not None
    assert await cache.take(KEY, {only.id}) is None
    assert cache.stores == 2


async def test_concurrent_takers_may_share_a_question(make_cache: MakeCache) -> None:
    cache = make_cache()
    question = cached("Explain consistent hashing.")
    await cache.put(KEY, question)
    results = await asyncio.gather(*(cache.take(KEY, set()) for _ in range(5)))
    assert results == [question] * 5
    assert cache.hits == 5


# -- expiry --------------------------------------------------------------------------


async def test_memory_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = MemoryQuestionCache(ttl=60, clock=clock)
    await cache.put(KEY, cached("Explain consistent hashing."))
    clock.now += 59
    assert await cache.take(KEY, set()) is not None
    clock.now += 1
    assert await cache.take(KEY, set()) is None
    assert cache.size(KEY) == 0


async def test_memory_put_refreshes_the_ttl() -> None:
    clock = Clock()
    cache = MemoryQuestionCache(ttl=60, clock=clock)
    await cache.put(KEY, cached("Explain consistent hashing."))
    clock.now += 50
    await cache.put(KEY, cached("Explain consistent hashing."))
    clock.now += 50
    assert await cache.take(KEY, set()) is not None


async def test_redis_entries_expire_after_the_ttl(redis_client: aioredis.Redis, namespace: str) -> None:
    cache = RedisQuestionCache(redis_client, namespace, ttl=0.2)
    await cache.put(KEY, cached("Explain consistent hashing."))
    assert await redis_client.pttl(cache.question_key(KEY, question_id("Explain consistent hashing."))) > 0
    assert await cache.take(KEY, set()) is not None
    await asyncio.sleep(0.35)
    assert await cache.take(KEY, set()) is None
    assert await redis_client.exists(cache.index_key(KEY)) == 0


async def test_redis_index_entries_without_a_question_are_dropped(
    redis_client: aioredis.Redis, namespace: str
) -> None:
    cache = RedisQuestionCache(redis_client, namespace)
    kept = cached("What does a write-ahead log guarantee?")
    await cache.put(KEY, cached("Explain consistent hashing."))
    await cache.put(KEY, kept)
    await redis_client.delete(cache.question_key(KEY, question_id("Explain consistent hashing.")))
    await redis_client.set(cache.question_key(KEY, "junk"), b"not json")
    await redis_client.zadd(cache.index_key(KEY), {"junk": 0})
    assert await cache.take(KEY, set()) == kept
    members = await redis_client.zrange(cache.index_key(KEY), 0, -1)
    assert members == [kept.id.encode()]


async def test_redis_pools_are_shared_between_instances(redis_client: aioredis.Redis, namespace: str) -> None:
    writer = RedisQuestionCache(redis_client, namespace)
    reader = RedisQuestionCache(redis_client, namespace)
    question = cached("Explain consistent hashing.")
    await writer.put(KEY, question)
    assert await reader.take(KEY, set()) == question
    assert await RedisQuestionCache(redis_client, f"{namespace}:other").take(KEY, set()) is None


def test_question_ids_ignore_case_and_whitespace_only() -> None:
    assert question_id("Explain  hashing.\n") == question_id("explain hashing.")
    assert question_id("Explain hashing.") != question_id("Explain hashing!")


def test_pool_key_uses_the_role_track_and_the_language_only_for_coding() -> None:
    coding = QuestionRequest(type="coding", difficulty="easy", role="Senior React developer", language="go")
    talk = QuestionRequest(type="behavioral", difficulty="easy", role="Site reliability", language="go")
    assert PoolKey.for_request(coding) == PoolKey("coding", "easy", "frontend", "go")
    assert PoolKey.for_request(talk) == PoolKey("behavioral", "easy", "devops_sre", None)


@pytest.mark.parametrize(("ttl", "size"), [(0, 5), (10, 0)])
def test_bad_limits_are_refused(ttl: float, size: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        MemoryQuestionCache(ttl, size)
