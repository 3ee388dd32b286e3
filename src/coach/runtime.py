"""The process's shared resources, built once per app by `create_app` and closed on shutdown."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.auth.passwords import PasswordHasher
from coach.auth.revocation import RevocationList
from coach.settings import Settings
from coach.store.engine import create_engine, create_session_factory

log = logging.getLogger("coach.runtime")


@dataclass
class Runtime:
    """Engine, Redis, stores and services that handlers and workers share."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis | None
    stores: dict[str, Store]
    hasher: PasswordHasher
    revocations: RevocationList
    _closers: list[object] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Create every resource lazily: nothing connects until first use."""
        engine = create_engine(settings)
        redis = (
            Redis.from_url(
                settings.redis_url,
                socket_timeout=5,
                socket_connect_timeout=3,
                health_check_interval=15,
                retry_on_timeout=True,
            )
            if settings.redis_url
            else None
        )
        stores: dict[str, Store] = {}
        for name in ("rate_limit", "revoked", "cache"):
            if redis is not None:
                stores[name] = RedisStore(
                    redis, namespace=f"{settings.redis_namespace}:{name}", handle_client_shutdown=False
                )
            else:
                stores[name] = MemoryStore()
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=redis,
            stores=stores,
            hasher=PasswordHasher(settings.password_hash_concurrency),
            revocations=RevocationList(stores["revoked"]),
        )

    async def aclose(self) -> None:
        """Dispose of the engine and Redis, bounded in time (redis-py's aclose can hang)."""
        if self.redis is not None:
            try:
                await asyncio.wait_for(self.redis.aclose(), timeout=3)
            except (TimeoutError, OSError):
                log.warning("redis close timed out")
        await self.engine.dispose()
