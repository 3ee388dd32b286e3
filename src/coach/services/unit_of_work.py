"""A unit of work: one transaction, and the effects that must follow its commit.

A use case queues effects (publish an event, wake the workers, start asking a question)
while it works; they run only once the commit has succeeded, so nobody hears of a row
they cannot read yet, and a rolled-back change announces nothing. This is the one place
in the application that commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.broker.wakeup import Wakeup
from coach.protocol import Message
from coach.services.events import EventBus, publish

log = logging.getLogger("coach.unit_of_work")

Effect = Callable[[], Awaitable[None]]


@dataclass(eq=False)
class UnitOfWork:
    """The open transaction (`db`) and the effects queued to run after it commits."""

    db: AsyncSession
    bus: EventBus | None = None
    wakeup: Wakeup | None = None
    _effects: list[Effect] = field(default_factory=list)
    _wake: bool = False
    _discarded: bool = False

    def publish(self, session_id: uuid.UUID, message: Message) -> None:
        """Send `message` on the session's channel once the commit succeeds."""
        bus = self.bus
        if bus is None:
            raise RuntimeError("this unit of work has no event bus (a command-line tool's)")

        async def send() -> None:
            await publish(bus, session_id, message)

        self._effects.append(send)

    def wake_workers(self) -> None:
        """Tell the evaluation workers new work is queued (once, after the commit)."""
        self._wake = True

    def after_commit(self, effect: Effect) -> None:
        """Run `effect` once the commit succeeds (in queue order, after the publishes before it)."""
        self._effects.append(effect)

    async def discard(self) -> None:
        """Roll back now: nothing is written and no queued effect runs."""
        await self.db.rollback()
        self._discarded = True
        self._effects.clear()
        self._wake = False

    async def _finish(self) -> None:
        if self._discarded:
            return
        await self.db.commit()

    async def _run_effects(self) -> None:
        if self._discarded:
            return
        if self._wake and self.wakeup is not None:
            await _safely(self.wakeup.notify, "wake the workers")
        for effect in self._effects:
            # The data is committed: a lost event is recovered from the snapshot, so it never fails the call.
            await _safely(effect, "run an after-commit effect")


async def _safely(effect: Effect, what: str) -> None:
    try:
        await effect()
    except Exception as exc:
        log.warning("could not %s: %r", what, exc)


@dataclass(frozen=True, eq=False)
class Transactions:
    """Opens units of work: `async with transactions() as tx:` commits on success, rolls back on error."""

    sessions: async_sessionmaker[AsyncSession]
    bus: EventBus | None = None
    wakeup: Wakeup | None = None

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        async with self.sessions() as db:
            tx = UnitOfWork(db, self.bus, self.wakeup)
            try:
                yield tx
            except BaseException:
                await db.rollback()
                raise
            await tx._finish()
        await tx._run_effects()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: nothing it does is committed."""
        async with self.sessions() as db:
            yield db
