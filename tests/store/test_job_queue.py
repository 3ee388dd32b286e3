"""The evaluation queue at the store level, on both dialects: claim order, due times, fencing by the
lease owner, expiry and re-claim, giving up, and (PostgreSQL) SKIP LOCKED between concurrent claims."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.commands.demo_data import Batch
from coach.store import evaluations as queue
from coach.store.models import AnswerEvaluation
from tests.support.history import add_session, add_user, write

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def pending_jobs(db: async_sessionmaker[AsyncSession], count: int) -> list[uuid.UUID]:
    """`count` pending evaluations created one second apart (the oldest first)."""
    batch = Batch()
    user_id = add_user(batch, T0, "queue")
    answers: list[tuple[datetime, float, dict[str, float]]] = [
        (T0 + timedelta(seconds=i), 0.0, {}) for i in range(count)
    ]
    add_session(batch, user_id, type="technical", created=T0, status="active", score=None, answers=answers)
    for i, row in enumerate(batch.evaluations):
        row.update(
            status="pending", score=None, completed_at=None, attempts=0, created_at=T0 + timedelta(seconds=i)
        )
    await write(db, batch)
    return [row["id"] for row in batch.evaluations]


async def claim(db: async_sessionmaker[AsyncSession], owner: str, now: datetime) -> AnswerEvaluation | None:
    async with db() as s:
        job = await queue.claim_next(s, owner=owner, now=now, lease=LEASE)
        await s.commit()
        return job


async def test_jobs_are_claimed_oldest_first_each_once(db: async_sessionmaker[AsyncSession]) -> None:
    ids = await pending_jobs(db, 3)
    claimed = [await claim(db, f"w{i}", T0 + timedelta(minutes=1)) for i in range(4)]
    assert [j.id if j else None for j in claimed] == [*ids, None]
    first = claimed[0]
    assert first is not None
    assert (first.status, first.attempts, first.lease_owner) == ("running", 1, "w0")
    assert first.lease_until == T0 + timedelta(minutes=1) + LEASE


async def test_only_the_lease_owner_can_store_extend_or_give_back(
    db: async_sessionmaker[AsyncSession],
) -> None:
    [job_id] = await pending_jobs(db, 1)
    now = T0 + timedelta(minutes=1)
    assert await claim(db, "owner", now) is not None
    async with db() as s:
        assert not await queue.extend_lease(s, job_id, owner="intruder", until=now + LEASE * 2)
        assert not await queue.complete(s, job_id, owner="intruder", now=now, values={"score": 9.0})
        assert not await queue.give_back(s, job_id, owner="intruder", now=now, error="x", retry_at=None)
        assert await queue.extend_lease(s, job_id, owner="owner", until=now + LEASE * 2)
        assert await queue.complete(s, job_id, owner="owner", now=now, values={"score": 6.0})
        await s.commit()
    async with db() as s:
        stored = await s.get(AnswerEvaluation, job_id)
        assert stored is not None
        assert (stored.status, stored.score, stored.lease_owner) == ("done", 6.0, "owner")
    # Stored once: a done job is never claimed again, and a second completion changes nothing.
    assert await claim(db, "late", now + timedelta(hours=1)) is None
    async with db() as s:
        assert not await queue.complete(s, job_id, owner="owner", now=now, values={"score": 1.0})


async def test_an_expired_lease_is_claimed_again_and_fences_the_old_owner(
    db: async_sessionmaker[AsyncSession],
) -> None:
    [job_id] = await pending_jobs(db, 1)
    now = T0 + timedelta(minutes=1)
    assert await claim(db, "slow", now) is not None
    assert await claim(db, "eager", now + LEASE - timedelta(seconds=1)) is None  # still held
    taken = await claim(db, "rescuer", now + LEASE)
    assert taken is not None
    assert (taken.id, taken.attempts, taken.lease_owner) == (job_id, 2, "rescuer")
    async with db() as s:
        assert not await queue.complete(s, job_id, owner="slow", now=now + LEASE, values={"score": 2.0})
        assert not await queue.extend_lease(s, job_id, owner="slow", until=now + LEASE * 3)
        assert await queue.complete(s, job_id, owner="rescuer", now=now + LEASE, values={"score": 7.0})
        await s.commit()


async def test_a_job_given_back_waits_for_its_retry_time_and_one_given_up_is_failed(
    db: async_sessionmaker[AsyncSession],
) -> None:
    retried, abandoned = await pending_jobs(db, 2)
    now = T0 + timedelta(minutes=1)
    assert (await claim(db, "w", now)) is not None
    assert (await claim(db, "w", now)) is not None
    async with db() as s:
        retry_at = now + timedelta(seconds=20)
        assert await queue.give_back(s, retried, owner="w", now=now, error="timeout", retry_at=retry_at)
        assert await queue.give_back(s, abandoned, owner="w", now=now, error="gave up", retry_at=None)
        await s.commit()
    assert await claim(db, "w", now + timedelta(seconds=19)) is None
    again = await claim(db, "w", now + timedelta(seconds=20))
    assert again is not None
    assert (again.id, again.attempts) == (retried, 2)
    async with db() as s:
        assert await queue.complete(
            s, retried, owner="w", now=now + timedelta(seconds=21), values={"score": 5.0}
        )
        failed = await s.get(AnswerEvaluation, abandoned)
        assert failed is not None
        assert (failed.status, failed.error) == ("failed", "gave up")
        assert failed.completed_at == now
        assert await queue.reset_failed(s, abandoned, now + timedelta(minutes=5))
        await s.commit()
    back = await claim(db, "w", now + timedelta(minutes=6))
    assert back is not None
    assert back.id == abandoned


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_concurrent_claims_skip_a_locked_job_instead_of_waiting(
    db: async_sessionmaker[AsyncSession],
) -> None:
    first_id, second_id = await pending_jobs(db, 2)
    now = T0 + timedelta(minutes=1)
    async with db() as one, db() as two:
        a = await queue.claim_next(one, owner="a", now=now, lease=LEASE)  # row locked, not committed
        b = await queue.claim_next(two, owner="b", now=now, lease=LEASE)
        c = await queue.claim_next(two, owner="c", now=now, lease=LEASE)
        assert a is not None
        assert b is not None
        assert (a.id, b.id, c) == (first_id, second_id, None)
        await one.commit()
        await two.commit()
