"""Argon2id hashing off the event loop, with bounded concurrency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TypeVar

import anyio
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from coach.domain.errors import Busy

T = TypeVar("T")
_reserved: ContextVar[bool] = ContextVar("coach_hash_reserved", default=False)

# OWASP's minimum for argon2id is m=19 MiB, t=2, p=1; these sit just above it.
TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1


class PasswordHasher:
    """Hashes and verifies in worker threads: at most `concurrency` at a time, and at most `queue` more
    waiting; past that a caller is refused at once (Busy) instead of waiting behind a flood."""

    def __init__(self, concurrency: int = 4, queue: int = 16) -> None:
        self._argon = _Argon2(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
        self._limiter = anyio.CapacityLimiter(max(1, concurrency))
        self._capacity = max(1, concurrency) + max(0, queue)
        self._pending = 0
        self._dummy: str | None = None

    @property
    def pending(self) -> int:
        """Hashes running or waiting in this process."""
        return self._pending

    @asynccontextmanager
    async def reserve(self) -> AsyncIterator[None]:
        """Hold a place among running + waiting hashes for the work inside, or raise Busy at once.

        Login and register take it before touching the database, so a flood is refused before it can
        hold a pooled connection while it waits for a hash (which would queue real logins behind it).
        """
        if _reserved.get():
            yield
            return
        self._enter()
        token = _reserved.set(True)
        try:
            yield
        finally:
            _reserved.reset(token)
            self._pending -= 1

    def _enter(self) -> None:
        if self._pending >= self._capacity:
            raise Busy("The server is busy checking passwords; try again in a moment.")
        self._pending += 1

    async def _run(self, fn: Callable[..., T], *args: str) -> T:
        if _reserved.get():
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        self._enter()
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self._pending -= 1

    async def hash(self, password: str) -> str:
        """An argon2id hash of the password."""
        return await self._run(self._argon.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no stored hash, spend the same time and say no."""
        if stored_hash is None:
            # Unknown emails cost one verification too, so timing does not reveal which emails exist.
            if self._dummy is None:
                self._dummy = await self.hash("not-a-real-password-for-timing")
            await self._run(self._verify, self._dummy, password)
            return False
        return await self._run(self._verify, stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's."""
        return self._argon.check_needs_rehash(stored_hash)

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
