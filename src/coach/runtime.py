"""The process's shared resources, built once per app (or worker) and closed on shutdown."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.security.jwt import JWTCookieAuth, Token
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.auth.access import LogoutStamps, token_holds
from coach.auth.jwt import build_jwt_auth
from coach.auth.passwords import PasswordHasher
from coach.auth.revocation import RevocationList
from coach.auth.sockets import SocketGate
from coach.auth.throttle import CounterStore, GlobalLimit, LoginGuard, MemoryCounterStore, RedisCounterStore
from coach.auth.watch import SocketWatch, auth_channel
from coach.broker.bus import ChannelsBus, RedisBus
from coach.broker.channels_backend import ResilientRedisPubSubBackend
from coach.broker.presence import Presence
from coach.broker.wakeup import LocalWakeup, RedisWakeup, Wakeup
from coach.clock import Clock, utcnow
from coach.jobs.evaluator import EvaluationWorker
from coach.jobs.expiry import sweep_expired
from coach.llm.bank_loader import load_bank
from coach.llm.factory import build_interviewers
from coach.llm.offline import OfflineInterviewer
from coach.llm.port import Interviewer
from coach.metrics import Metrics
from coach.sandbox.factory import DisabledSandbox, local_sandbox
from coach.sandbox.port import Sandbox
from coach.sandbox.remote import RemoteSandbox
from coach.services.asking import Asker
from coach.services.code_runs import CodeRuns
from coach.services.events import EventBus
from coach.services.interview_cases import InterviewCases
from coach.services.unit_of_work import Transactions
from coach.settings import Settings
from coach.store.engine import create_engine, create_session_factory
from coach.store.models import User
from coach.store.users import get_user

log = logging.getLogger("coach.runtime")


def _spawn(tasks: set[asyncio.Task[Any]], coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    task = asyncio.create_task(coro, name=name)
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return task


def connect_redis(settings: Settings) -> Redis | None:
    """The process's Redis client (None without REDIS_URL); it connects on first use."""
    if not settings.redis_url:
        return None
    return Redis(
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


def channels_plugin(settings: Settings, redis: Redis | None) -> ChannelsPlugin:
    """The app's pub/sub: Redis across instances, in memory for one."""
    return ChannelsPlugin(
        backend=(
            ResilientRedisPubSubBackend(redis=redis, key_prefix=f"{settings.redis_namespace}:channels")
            if redis is not None
            else MemoryChannelsBackend()
        ),
        arbitrary_channels_allowed=True,
        # Past this many unsent events a subscriber drops the oldest; its socket resyncs from the snapshot.
        subscriber_max_backlog=256,
        subscriber_backlog_strategy="dropleft",
    )


class _NoBus:
    """Without Redis a worker process cannot reach the app's sockets; feedback waits in the database."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    async def publish(self, channel: str, data: bytes) -> None:
        return None


@dataclass(frozen=True, eq=False)
class Runtime:
    """Engine, Redis, stores, interviewers, the bus and the use cases that handlers and workers share.

    Built once (`build`), never changed afterwards; every part that tells time holds the same `clock`.
    """

    settings: Settings
    engine: AsyncEngine
    db_sessions: async_sessionmaker[AsyncSession]
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
    bus: EventBus
    clock: Clock
    transactions: Transactions
    asker: Asker
    interviews: InterviewCases
    socket_gate: SocketGate
    """What a socket handshake checks: origin, token, user."""
    channels: ChannelsPlugin | None
    """The app's pub/sub plugin (None in a worker process, which publishes straight to Redis)."""
    sockets: SocketWatch | None
    """Open sockets by user, closed on logout from any instance (None in a worker process)."""
    presence: Presence
    metrics: Metrics = field(default_factory=Metrics)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, settings: Settings, *, serving: bool = True) -> Runtime:
        """Create every resource lazily: nothing connects until first use.

        `serving` builds the app's channels plugin and socket watch; a worker process
        (`serving=False`) publishes with plain Redis PUBLISH instead.
        """
        engine = create_engine(settings)
        redis = connect_redis(settings)
        namespace = settings.redis_namespace
        stores: dict[str, Store] = {}
        for name in ("rate_limit", "revoked", "cache", "runs"):
            if redis is not None:
                stores[name] = RedisStore(
                    redis, namespace=f"{namespace}:{name}", handle_client_shutdown=False
                )
            else:
                stores[name] = MemoryStore()
        counters: CounterStore = (
            RedisCounterStore(redis, namespace=f"{namespace}:login_guard", handle_client_shutdown=False)
            if redis is not None
            else MemoryCounterStore()
        )
        stores["login_guard"] = counters
        interviewer, fallback = build_interviewers(settings, load_bank(), redis)
        wakeup: Wakeup = RedisWakeup(redis, f"{namespace}:jobs") if redis is not None else LocalWakeup()
        sandbox: Sandbox
        if not settings.code_runs:
            sandbox = DisabledSandbox("COACH_CODE_RUNS is off")
        elif settings.code_runner == "remote" and redis is not None:
            sandbox = RemoteSandbox(redis, namespace, queue=settings.sandbox_queue)
        else:
            sandbox = local_sandbox(settings)
        channels = channels_plugin(settings, redis) if serving else None
        bus: EventBus
        if channels is not None:
            bus = ChannelsBus(channels, namespace)
        elif redis is not None:
            bus = RedisBus(redis, namespace)
        else:
            log.warning("REDIS_URL is not set: feedback is stored but not pushed to open sockets")
            bus = _NoBus(namespace)
        clock = Clock()
        revocations = RevocationList(stores["revoked"])
        logouts = LogoutStamps(stores["revoked"], int(settings.access_token_lifetime.total_seconds()) + 60)
        db_sessions = create_session_factory(engine)
        transactions = Transactions(db_sessions, bus, wakeup)
        code_runs = CodeRuns(sandbox, stores["runs"])
        tasks: set[asyncio.Task[Any]] = set()
        asker = Asker(
            transactions=transactions,
            interviewer=interviewer,
            fallback=fallback,
            bus=bus,
            spawn=partial(_spawn, tasks),
            clock=clock,
            coalesce_seconds=settings.coalesce_ms / 1000,
            runnable_bank_ids=code_runs.runnable_bank_ids(),
        )

        async def holds(token: Token) -> bool:
            return await token_holds(token, revocations, logouts, utcnow())

        async def find_user(user_id: uuid.UUID) -> User | None:
            async with transactions.reading() as db:
                return await get_user(db, user_id)

        jwt_auth = build_jwt_auth(settings, logouts, revocations, find_user)

        return cls(
            settings=settings,
            engine=engine,
            db_sessions=db_sessions,
            redis=redis,
            stores=stores,
            hasher=PasswordHasher(settings.password_hash_concurrency, settings.password_hash_queue),
            revocations=revocations,
            logouts=logouts,
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
            code_runs=code_runs,
            bus=bus,
            clock=clock,
            transactions=transactions,
            asker=asker,
            interviews=InterviewCases(transactions, asker, code_runs, clock),
            socket_gate=SocketGate(jwt_auth, frozenset(settings.browser_origins()), holds, find_user),
            channels=channels,
            sockets=SocketWatch(channels, auth_channel(namespace), holds, utcnow) if channels else None,
            presence=Presence(
                redis,
                namespace,
                ttl=settings.presence_ttl_seconds,
                interval=settings.presence_interval_seconds,
            ),
            _tasks=tasks,
        )

    def now(self) -> datetime:
        """The server clock (injectable for tests)."""
        return self.clock()

    @property
    def jwt_auth(self) -> JWTCookieAuth[User, Token]:
        """The JWT config every request and socket is authenticated with."""
        return self.socket_gate.auth

    def worker(self) -> EvaluationWorker:
        """An evaluation worker over this runtime's database, interviewer and bus."""
        settings = self.settings
        return EvaluationWorker(
            transactions=self.transactions,
            interviewer=self.interviewer,
            fallback=self.fallback if settings.llm_enabled and settings.evaluation_offline_fallback else None,
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
        return _spawn(self._tasks, coro, name)

    def start_worker(self) -> None:
        """Run one evaluation worker, and the sweep that ends unwatched sessions at time-up, in this process."""
        self.spawn(self.worker().run(self._stop), "evaluation-worker")
        self.spawn(
            sweep_expired(self.interviews, self._stop, self.settings.worker_poll_seconds), "expiry-sweep"
        )

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
