"""The unit of work on both dialects: effects run only after a successful commit, in order, and a
rollback (an error, or `discard`) writes nothing and announces nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import protocol as m
from coach.broker.wakeup import LocalWakeup
from coach.services.unit_of_work import Transactions
from coach.store.models import User

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


class RecordingBus:
    """An event bus that records what was published and whether the row was visible by then."""

    namespace = "uow-test"

    def __init__(self, db: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> None:
        self.db = db
        self.user_id = user_id
        self.sent: list[tuple[str, bool]] = []

    async def publish(self, channel: str, data: bytes) -> None:
        async with self.db() as other:  # another connection: sees only committed rows
            visible = await other.get(User, self.user_id) is not None
        self.sent.append((channel, visible))


class CountingWakeup(LocalWakeup):
    def __init__(self) -> None:
        super().__init__()
        self.notified = 0

    async def notify(self) -> None:
        self.notified += 1
        await super().notify()


class Boom(Exception):
    pass


def _user(user_id: uuid.UUID) -> User:
    return User(
        id=user_id,
        email=f"uow-{user_id.hex[:10]}@example.com",
        name="Unit Of Work",
        password_hash="x",
        created_at=T0,
        updated_at=T0,
    )


async def _exists(db: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> bool:
    async with db() as s:
        return await s.get(User, user_id) is not None


async def test_effects_run_after_the_commit_in_the_order_they_were_queued(
    db: async_sessionmaker[AsyncSession],
) -> None:
    user_id = uuid.uuid4()
    bus = RecordingBus(db, user_id)
    wakeup = CountingWakeup()
    transactions = Transactions(db, bus, wakeup)
    order: list[str] = []

    async def later() -> None:
        order.append("after")

    session_id = uuid.uuid4()
    async with transactions() as tx:
        tx.db.add(_user(user_id))
        tx.publish(session_id, m.SessionEnded(reason="completed"))
        tx.after_commit(later)
        tx.wake_workers()
        await tx.db.flush()
        assert bus.sent == []  # nothing is announced inside the transaction
        assert order == []
    assert bus.sent == [(f"uow-test:session:{session_id}", True)]  # and the row was readable by then
    assert order == ["after"]
    assert wakeup.notified == 1  # the workers were woken, once


async def test_an_error_rolls_back_and_announces_nothing(db: async_sessionmaker[AsyncSession]) -> None:
    user_id = uuid.uuid4()
    bus = RecordingBus(db, user_id)
    wakeup = CountingWakeup()
    transactions = Transactions(db, bus, wakeup)

    async def failing_use_case() -> None:
        async with transactions() as tx:
            tx.db.add(_user(user_id))
            tx.publish(uuid.uuid4(), m.SessionEnded(reason="completed"))
            tx.wake_workers()
            await tx.db.flush()
            raise Boom

    with pytest.raises(Boom):
        await failing_use_case()
    assert bus.sent == []
    assert not await _exists(db, user_id)
    assert wakeup.notified == 0


async def test_discard_keeps_nothing_and_runs_no_effect(db: async_sessionmaker[AsyncSession]) -> None:
    user_id = uuid.uuid4()
    bus = RecordingBus(db, user_id)
    transactions = Transactions(db, bus, LocalWakeup())
    async with transactions() as tx:
        tx.db.add(_user(user_id))
        tx.publish(uuid.uuid4(), m.SessionEnded(reason="completed"))
        await tx.db.flush()
        await tx.discard()
    assert bus.sent == []
    assert not await _exists(db, user_id)


async def test_a_failing_effect_does_not_undo_the_commit_or_stop_the_others(
    db: async_sessionmaker[AsyncSession],
) -> None:
    user_id = uuid.uuid4()
    bus = RecordingBus(db, user_id)
    transactions = Transactions(db, bus, LocalWakeup())

    async def broken() -> None:
        raise ConnectionError("redis went away")

    async with transactions() as tx:
        tx.db.add(_user(user_id))
        tx.after_commit(broken)
        tx.publish(uuid.uuid4(), m.SessionEnded(reason="completed"))
    assert await _exists(db, user_id)
    assert len(bus.sent) == 1


async def test_a_reading_session_commits_nothing(db: async_sessionmaker[AsyncSession]) -> None:
    user_id = uuid.uuid4()
    async with Transactions(db).reading() as s:
        s.add(_user(user_id))
        await s.flush()
    assert not await _exists(db, user_id)
