"""Revoked token ids, kept until the token would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from litestar.stores.base import Store

from coach.store.types import utcnow


class RevocationList:
    """A deny-list of JWT ids in a Litestar store (Redis when configured, so every instance sees it)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def revoke(self, jti: str, expires_at: datetime) -> None:
        """Deny `jti` from now until it expires."""
        ttl = max(1, int((expires_at - utcnow()).total_seconds()) + 1)
        await self._store.set(f"revoked:{jti}", b"1", expires_in=ttl)

    async def is_revoked(self, jti: str | None) -> bool:
        """Whether the token id was revoked; tokens without an id are treated as revoked."""
        if not jti:
            return True
        return await self._store.exists(f"revoked:{jti}")
