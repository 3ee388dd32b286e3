"""The process's shared resources, built once per app (or worker) and closed on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.security.jwt import Token
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.auth.access import LogoutStamps, token_holds
from coach.auth.passwords import PasswordHasher
from coach.auth.revocation import RevocationList
from coach.auth.throttle import CounterStore, GlobalLimit, LoginGuard, MemoryCounterStore, RedisCounterStore
from coach.broker.presence import Presence
from coach.broker.wakeup import LocalWakeup, RedisWakeup, Wakeup
from coach.jobs.evaluator import EvaluationWorker
from coach.llm.bank_loader import load_bank
from coach.llm.factory import build_interviewers
from coach.llm.offline import OfflineInterviewer
from coach.llm.port import Interviewer
from coach.metrics import Metrics
from coach.sandbox.factory import DisabledSandbox, create_sandbox
from coach.sandbox.port import Sandbox
from coach.sandbox.remote import RemoteSandbox
from coach.services.asking import Asker
from coach.services.code_runs import CodeRuns
from coach.services.events import EventBus
from coach.settings import Settings
from coach.store.engine import create_engine, create_session_factory
from coach.store.types import utcnow
from coach.ws.watch import SocketWatch

log = logging.getLogger("coach.runtime")


def local_sandbox(settings: Settings) -> Sandbox:
    """This process's own bounded bubblewrap sandbox (or a disabled one, with the log line saying why)."""
    return create_sandbox(
        env=settings.environment,
        concurrency=settings.sandbox_concurrency,
        queue=settings.sandbox_queue,
        max_wait_seconds=settings.sandbox_max_wait,
        bwrap=settings.sandbox_bwrap,
        work_dir=Path(settings.sandbox_work_dir) if settings.sandbox_work_dir else None,
        cgroup_v2_dir=Path(settings.sandbox_cgroup_dir) if settings.sandbox_cgroup_dir else None,
    )


@dataclass
class Runtime:
    """Engine, Redis, stores, interviewers and the job wake-up that handlers and workers share."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis | None
    stores: dict[str, Store]
    hasher: PasswordHasher
    revocations: RevocationList
    logouts: LogoutStamps
    login_guard: LoginGuard
    register_limit: GlobalLimit
    interviewer: Interviewer
    fallback: OfflineInterviewer
    wakeup: Wakeup
    code_runs: CodeRuns
    """Candidates' code run in the sandbox: the Run button and the tests on submit."""
    bus: EventBus | None = None
    clock: Callable[[], datetime] = utcnow
    asker: Asker | None = None
    sockets: SocketWatch | None = None
    """Open sockets by user, closed on logout from any instance (attached by the app)."""
    presence: Presence = field(default_factory=lambda: Presence(None, "coach"))
    metrics: Metrics = field(default_factory=Metrics)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Create every resource lazily: nothing connects until first use."""
        engine = create_engine(settings)
        redis = (
            Redis(
                # A burst of handshakes must wait for a pooled connection, not fail with
                # "Too many connections" (which would refuse logins and sockets).
                connection_pool=BlockingConnectionPool.from_url(
                    settings.redis_url,
                    max_connections=settings.redis_max_connections,
                    timeout=5,
                    socket_timeout=10,
                    socket_connect_timeout=3,
                    health_check_interval=15,
                    retry_on_timeout=True,
                )
            )
            if settings.redis_url
            else None
        )
        stores: dict[str, Store] = {}
        for name in ("rate_limit", "revoked", "cache", "runs"):
            if redis is not None:
                stores[name] = RedisStore(
                    redis, namespace=f"{settings.redis_namespace}:{name}", handle_client_shutdown=False
                )
            else:
                stores[name] = MemoryStore()
        counters: CounterStore = (
            RedisCounterStore(
                redis, namespace=f"{settings.redis_namespace}:login_guard", handle_client_shutdown=False
            )
            if redis is not None
            else MemoryCounterStore()
        )
        stores["login_guard"] = counters
        interviewer, fallback = build_interviewers(settings, load_bank(), redis)
        wakeup: Wakeup = (
            RedisWakeup(redis, f"{settings.redis_namespace}:jobs") if redis is not None else LocalWakeup()
        )
        sandbox: Sandbox
        if not settings.code_runs:
            sandbox = DisabledSandbox("COACH_CODE_RUNS is off")
        elif settings.code_runner == "remote" and redis is not None:
            sandbox = RemoteSandbox(redis, settings.redis_namespace, queue=settings.sandbox_queue)
        else:
            sandbox = local_sandbox(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=redis,
            stores=stores,
            hasher=PasswordHasher(settings.password_hash_concurrency, settings.password_hash_queue),
            revocations=RevocationList(stores["revoked"]),
            logouts=LogoutStamps(stores["revoked"], int(settings.access_token_lifetime.total_seconds()) + 60),
            login_guard=LoginGuard(
                counters,
                max_failures=settings.login_account_failures,
                lock_seconds=settings.login_lock_seconds,
            ),
            register_limit=GlobalLimit(
                counters,
                "register",
                settings.register_global_limit,
                "Too many accounts are being created right now; try again in a minute.",
            ),
            interviewer=interviewer,
            fallback=fallback,
            wakeup=wakeup,
            code_runs=CodeRuns(sandbox, stores["runs"]),
            presence=Presence(
                redis,
                settings.redis_namespace,
                ttl=settings.presence_ttl_seconds,
                interval=settings.presence_interval_seconds,
            ),
        )

    def now(self) -> datetime:
        """The server clock (injectable for tests)."""
        return self.clock()

    async def token_holds(self, token: Token) -> bool:
        """Whether a token may still act: unexpired, not revoked, not logged out everywhere."""
        return await token_holds(token, self.revocations, self.logouts, utcnow())

    def attach_bus(self, bus: EventBus) -> None:
        """Wire the event bus and what depends on it (the question asker)."""
        self.bus = bus
        self.asker = Asker(
            sessions=self.sessions,
            interviewer=self.interviewer,
            fallback=self.fallback,
            bus=bus,
            clock=self.clock,
            runnable_bank_ids=self.code_runs.runnable_bank_ids(),
        )

    def worker(self) -> EvaluationWorker:
        """An evaluation worker over this runtime's database, interviewer and bus."""
        assert self.bus is not None, "attach a bus first"
        settings = self.settings
        return EvaluationWorker(
            sessions=self.sessions,
            interviewer=self.interviewer,
            fallback=self.fallback if settings.llm_enabled and settings.evaluation_offline_fallback else None,
            bus=self.bus,
            wakeup=self.wakeup,
            lease=timedelta(seconds=settings.evaluation_lease_seconds),
            call_deadline=min(settings.llm_timeout, settings.evaluation_lease_seconds * 0.8),
            max_attempts=settings.evaluation_max_attempts,
            poll_interval=settings.worker_poll_seconds,
            clock=self.clock,
            code_runs=self.code_runs,
        )

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a background task the runtime owns (waited for, then cancelled, at shutdown)."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def start_worker(self) -> None:
        """Run one evaluation worker inside this process."""
        self.spawn(self.worker().run(self._stop), "evaluation-worker")

    async def aclose(self, grace: float = 10.0) -> None:
        """Let background work finish within `grace`, then dispose of Redis and the engine."""
        self._stop.set()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                # Bounded: a task stuck in a client that swallows cancellation must not block shutdown.
                await asyncio.wait(pending, timeout=3)
        await self.wakeup.aclose()
        await self.interviewer.aclose()
        if self.redis is not None:
            try:
                await asyncio.wait_for(self.redis.aclose(close_connection_pool=True), timeout=3)
            except (TimeoutError, OSError):
                log.warning("redis close timed out")
        try:
            await asyncio.wait_for(self.engine.dispose(), timeout=5)
        except TimeoutError:
            log.warning("database pool close timed out")
