"""Login and registration limits that hold across instances: per account, and across all clients.

Counters live in a Litestar store (Redis when configured, so every instance shares them; memory
otherwise) that can also increment atomically, so concurrent attempts cannot all read "0".
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from datetime import timedelta

from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from coach.domain.errors import AccountLocked, RateLimited
from coach.domain.login_policy import wait_after, wait_message


class RedisCounterStore(RedisStore):
    """A RedisStore with an atomic INCRBY + EXPIRE."""

    async def incr(self, key: str, amount: int, expires_in: int) -> int:
        name = self._make_key(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, amount)
            pipe.expire(name, expires_in)
            value, _ = await pipe.execute()
        return int(value)


class MemoryCounterStore(MemoryStore):
    """A MemoryStore whose increments cannot interleave (one process, one lock)."""

    def __init__(self) -> None:
        super().__init__()
        self._incr_lock = asyncio.Lock()

    async def incr(self, key: str, amount: int, expires_in: int) -> int:
        async with self._incr_lock:
            value = int(await self.get(key) or 0) + amount
            await self.set(key, str(value), expires_in=expires_in)
            return value


CounterStore = RedisCounterStore | MemoryCounterStore


def _account_key(email: str) -> str:
    # No addresses in Redis keys; the normalised email identifies the account whether or not it exists.
    return hashlib.sha256(email.encode()).hexdigest()[:32]


class LoginGuard:
    """Failed logins per account: free tries, a growing wait, then a lock; success starts over."""

    def __init__(
        self,
        store: CounterStore,
        *,
        max_failures: int,
        lock_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._max = max(1, max_failures)
        self._lock_seconds = max(1, lock_seconds)
        self._clock = clock

    async def admit(self, email: str) -> int:
        """Before a password is checked: refuse while the account must wait; count the attempt.

        Counting happens before the check, so N concurrent guesses cannot slip past the limit together.
        """
        key = _account_key(email)
        raw = await self._store.get(f"wait:{key}")
        if raw is not None:
            until, _, kind = raw.decode().partition(":")
            remaining = float(until) - self._clock()
            if remaining > 0:
                self._refuse(int(remaining + 0.999), locked=kind == "lock")
        attempts = await self._store.incr(f"fail:{key}", 1, self._lock_seconds)
        if attempts > self._max:
            await self._wait(key, self._lock_seconds, "lock")
            self._refuse(self._lock_seconds, locked=True)
        return attempts

    async def failed(self, email: str, attempts: int) -> None:
        """The password was wrong: make the account wait as the policy says."""
        seconds = wait_after(attempts, max_failures=self._max, lock_seconds=self._lock_seconds)
        if seconds <= 0:
            return
        key = _account_key(email)
        if attempts < self._max:
            current = await self._store.get(f"wait:{key}")
            if current is not None and current.endswith(b":lock"):
                return  # a concurrent attempt locked the account: a short delay must not replace the lock
        await self._wait(key, seconds, "lock" if attempts >= self._max else "delay")

    async def not_checked(self, email: str) -> None:
        """The attempt was admitted but never checked (the server was busy): do not count it."""
        await self._store.incr(f"fail:{_account_key(email)}", -1, self._lock_seconds)

    async def succeeded(self, email: str) -> None:
        key = _account_key(email)
        await self._store.delete(f"fail:{key}")
        await self._store.delete(f"wait:{key}")

    async def _wait(self, key: str, seconds: int, kind: str) -> None:
        until = self._clock() + seconds
        await self._store.set(f"wait:{key}", f"{until}:{kind}", expires_in=timedelta(seconds=seconds))

    @staticmethod
    def _refuse(seconds: int, *, locked: bool) -> None:
        kind = AccountLocked if locked else RateLimited
        raise kind(wait_message(seconds, locked=locked), retry_after=seconds, field="email")


class GlobalLimit:
    """At most `per_minute` events per clock minute across every client and instance."""

    def __init__(self, store: CounterStore, name: str, per_minute: int, message: str) -> None:
        self._store = store
        self._name = name
        self._limit = max(1, per_minute)
        self._message = message

    async def hit(self) -> None:
        now = time.time()
        window = int(now // 60)
        count = await self._store.incr(f"global:{self._name}:{window}", 1, 120)
        if count > self._limit:
            raise RateLimited(self._message, retry_after=int(60 - now % 60) + 1)
