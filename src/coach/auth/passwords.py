"""Argon2id hashing off the event loop, with bounded concurrency."""

from __future__ import annotations

import anyio
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's minimum for argon2id is m=19 MiB, t=2, p=1; these sit just above it.
TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1


class PasswordHasher:
    """Hashes and verifies in worker threads; at most `concurrency` at a time, so logins cannot starve memory."""

    def __init__(self, concurrency: int = 4) -> None:
        self._argon = _Argon2(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
        self._limiter = anyio.CapacityLimiter(max(1, concurrency))
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        """An argon2id hash of the password."""
        return await anyio.to_thread.run_sync(self._argon.hash, password, limiter=self._limiter)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no stored hash, spend the same time and say no."""
        if stored_hash is None:
            # Unknown emails cost one verification too, so timing does not reveal which emails exist.
            if self._dummy is None:
                self._dummy = await self.hash("not-a-real-password-for-timing")
            stored_hash = self._dummy
            await anyio.to_thread.run_sync(self._verify, stored_hash, password, limiter=self._limiter)
            return False
        return await anyio.to_thread.run_sync(self._verify, stored_hash, password, limiter=self._limiter)

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's."""
        return self._argon.check_needs_rehash(stored_hash)

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
