"""Revoked token ids, kept until the token would have expired anyway."""

from __future__ import annotations

import asyncio
from datetime import datetime

from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from coach.clock import utcnow


class RevocationList:
    """A deny-list of JWT ids in a Litestar store (Redis when configured, so every instance sees it)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = asyncio.Lock()  # the in-memory store's claim; Redis claims with SET NX

    async def revoke(self, jti: str, expires_at: datetime) -> bool:
        """Deny `jti` from now until it expires: an atomic claim.

        True for exactly one caller however many revoke the same id at once (the one that
        may act on it, e.g. mint the refreshed token); False if it was already revoked.
        """
        if not jti:
            return False
        key = f"revoked:{jti}"
        ttl = max(1, int((expires_at - utcnow()).total_seconds()) + 1)
        store = self._store
        if isinstance(store, RedisStore):
            # Litestar's Store API has no set-if-absent; RedisStore exposes its client and key scheme.
            created = await store._redis.set(store._make_key(key), b"1", ex=ttl, nx=True)
            return bool(created)
        async with self._lock:
            if await store.exists(key):
                return False
            await store.set(key, b"1", expires_in=ttl)
            return True

    async def is_revoked(self, jti: str | None) -> bool:
        """Whether the token id was revoked; tokens without an id are treated as revoked."""
        if not jti:
            return True
        return await self._store.exists(f"revoked:{jti}")
