"""Pools of LLM-written questions, reused across candidates: the design's cost lever.

A pool holds the questions written for one (type, difficulty, role track) cell (plus the
language for coding questions, whose metadata carries starter code). Entries expire after
a TTL and a pool keeps at most `max_per_pool` of the newest. A taker passes what its
candidate has already seen, so nobody is served a question twice; two takers may get the
same question at once, which is fine: pools are shared by design.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import msgspec
from redis.asyncio import Redis

from coach.domain.kinds import Difficulty, QuestionType, Role, role_track
from coach.domain.questions import QuestionMeta, QuestionRequest

__all__ = [
    "DEFAULT_MAX_PER_POOL",
    "DEFAULT_TTL",
    "CachedQuestion",
    "MemoryQuestionCache",
    "PoolKey",
    "QuestionCache",
    "RedisQuestionCache",
    "question_id",
]

DEFAULT_TTL = 3600.0
DEFAULT_MAX_PER_POOL = 50


def question_id(text: str) -> str:
    """A stable id for a question's text: whitespace and case do not change it."""
    normalised = " ".join(text.split()).casefold()
    return hashlib.blake2b(normalised.encode(), digest_size=12).hexdigest()


class PoolKey(msgspec.Struct, frozen=True):
    """Which pool a question belongs to; `language` is set for coding questions only."""

    type: QuestionType
    difficulty: Difficulty
    track: Role
    language: str | None = None

    @classmethod
    def for_request(cls, request: QuestionRequest) -> PoolKey:
        """The pool serving this request (the role's track; the language only for coding)."""
        language = request.language if request.type == "coding" else None
        return cls(request.type, request.difficulty, role_track(request.role), language)

    def slug(self) -> str:
        """The key as one Redis-safe string, e.g. `coding:hard:backend:go`."""
        return ":".join([self.type, self.difficulty, self.track, self.language or "-"])


class CachedQuestion(msgspec.Struct, frozen=True):
    """A written question and its metadata; `id` is `question_id(text)`."""

    id: str
    text: str
    meta: QuestionMeta

    @classmethod
    def of(cls, text: str, meta: QuestionMeta) -> CachedQuestion:
        return cls(id=question_id(text), text=text, meta=meta)

    def seen_in(self, exclude: set[str]) -> bool:
        """Whether the candidate saw this text, or the bank question it was written from."""
        return self.id in exclude or (self.meta.bank_id is not None and self.meta.bank_id in exclude)


class QuestionCache(Protocol):
    """Shared pools of written questions; `hits`, `misses` and `stores` count for metrics."""

    hits: int
    misses: int
    stores: int

    async def take(self, key: PoolKey, exclude: set[str]) -> CachedQuestion | None:
        """A live question of the pool that is not in `exclude` (question or bank ids), or None."""
        ...

    async def put(self, key: PoolKey, question: CachedQuestion) -> None:
        """Add (or refresh) a question in the pool."""
        ...


@dataclass(slots=True)
class _Entry:
    question: CachedQuestion
    expires: float


class MemoryQuestionCache:
    """Pools in this process's memory (the embedded default); `clock` is injectable for tests."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        max_per_pool: int = DEFAULT_MAX_PER_POOL,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check(ttl, max_per_pool)
        self.ttl = ttl
        self.max_per_pool = max_per_pool
        self._clock = clock
        # Insertion-ordered: oldest first, so the question closest to expiry is reused first.
        self._pools: dict[PoolKey, dict[str, _Entry]] = {}
        self.hits = 0
        self.misses = 0
        self.stores = 0

    async def take(self, key: PoolKey, exclude: set[str]) -> CachedQuestion | None:
        pool = self._live(key)
        for entry in pool.values():
            if not entry.question.seen_in(exclude):
                self.hits += 1
                return entry.question
        self.misses += 1
        return None

    async def put(self, key: PoolKey, question: CachedQuestion) -> None:
        pool = self._live(key)
        pool.pop(question.id, None)
        pool[question.id] = _Entry(question, self._clock() + self.ttl)
        while len(pool) > self.max_per_pool:
            del pool[next(iter(pool))]
        self.stores += 1

    def size(self, key: PoolKey) -> int:
        """Live questions in a pool."""
        return len(self._live(key))

    def _live(self, key: PoolKey) -> dict[str, _Entry]:
        now = self._clock()
        pool = self._pools.setdefault(key, {})
        for qid in [qid for qid, e in pool.items() if e.expires <= now]:
            del pool[qid]
        return pool


class RedisQuestionCache:
    """Pools in Redis, shared by every app instance.

    Each question is its own key with the TTL (`{ns}:qcache:{pool}:q:{id}`); a sorted set
    per pool (`{ns}:qcache:{pool}`) indexes the ids by expiry time. The key's TTL is the
    authority, so clock skew between instances only affects the order questions are tried in;
    index entries whose key is gone are removed when a taker meets them.
    """

    def __init__(
        self,
        redis: Redis,
        namespace: str,
        ttl: float = DEFAULT_TTL,
        max_per_pool: int = DEFAULT_MAX_PER_POOL,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check(ttl, max_per_pool)
        self._redis = redis
        self._prefix = f"{namespace}:qcache"
        self.ttl = ttl
        self.max_per_pool = max_per_pool
        self._clock = clock
        self.hits = 0
        self.misses = 0
        self.stores = 0

    def index_key(self, key: PoolKey) -> str:
        return f"{self._prefix}:{key.slug()}"

    def question_key(self, key: PoolKey, qid: str) -> str:
        return f"{self.index_key(key)}:q:{qid}"

    async def take(self, key: PoolKey, exclude: set[str]) -> CachedQuestion | None:
        index = self.index_key(key)
        members = await self._redis.zrange(index, 0, -1)
        ids = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
        candidates = [qid for qid in ids if qid not in exclude]
        if candidates:
            values: list[bytes | str | None] = await self._redis.mget(
                [self.question_key(key, q) for q in candidates]
            )
            gone: list[str] = []
            found: CachedQuestion | None = None
            for qid, value in zip(candidates, values, strict=True):
                question = _decode(value)
                if question is None:
                    gone.append(qid)
                elif not question.seen_in(exclude):
                    found = question
                    break
            if gone:
                await self._redis.zrem(index, *gone)
            if found is not None:
                self.hits += 1
                return found
        self.misses += 1
        return None

    async def put(self, key: PoolKey, question: CachedQuestion) -> None:
        index = self.index_key(key)
        ttl_ms = max(1, round(self.ttl * 1000))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self.question_key(key, question.id), msgspec.json.encode(question), px=ttl_ms)
            pipe.zadd(index, {question.id: self._clock() + self.ttl})
            # Keep the newest `max_per_pool`; dropped questions' own keys lapse with their TTL.
            pipe.zremrangebyrank(index, 0, -(self.max_per_pool + 1))
            pipe.pexpire(index, ttl_ms)
            await pipe.execute()
        self.stores += 1


def _decode(value: bytes | str | None) -> CachedQuestion | None:
    if value is None:
        return None
    try:
        return msgspec.json.decode(value, type=CachedQuestion)
    except msgspec.MsgspecError:
        return None  # written by an incompatible version: treat as expired


def _check(ttl: float, max_per_pool: int) -> None:
    if ttl <= 0:
        raise ValueError("ttl must be positive")
    if max_per_pool < 1:
        raise ValueError("max_per_pool must be at least 1")
