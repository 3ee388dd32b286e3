"""The evaluation queue in the database: claim with a lease, complete under a fence, retry or fail."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.domain.states import EvaluationStatus
from coach.store.models import AnswerEvaluation
from coach.store.types import affected


def _claimable(now: datetime) -> Any:
    return or_(
        and_(
            col(AnswerEvaluation.status) == EvaluationStatus.PENDING,
            or_(col(AnswerEvaluation.lease_until).is_(None), col(AnswerEvaluation.lease_until) <= now),
        ),
        and_(
            col(AnswerEvaluation.status) == EvaluationStatus.RUNNING, col(AnswerEvaluation.lease_until) <= now
        ),
    )


async def claim_next(
    db: AsyncSession, *, owner: str, now: datetime, lease: timedelta
) -> AnswerEvaluation | None:
    """Take the oldest claimable evaluation: pending and due, or running with an expired lease.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets many workers claim at once without
    waiting on each other; SQLite serialises writers, so the plain select is enough.
    """
    candidate = (
        select(col(AnswerEvaluation.id))
        .where(_claimable(now))
        .order_by(col(AnswerEvaluation.created_at))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job_id = (await db.execute(candidate)).scalar_one_or_none()
    if job_id is None:
        return None
    result = await db.execute(
        update(AnswerEvaluation)
        .where(col(AnswerEvaluation.id) == job_id, _claimable(now))
        .values(
            status=EvaluationStatus.RUNNING,
            attempts=col(AnswerEvaluation.attempts) + 1,
            lease_owner=owner,
            lease_until=now + lease,
            updated_at=now,
        )
        .returning(AnswerEvaluation)
    )
    return result.scalar_one_or_none()


async def extend_lease(db: AsyncSession, job_id: uuid.UUID, *, owner: str, until: datetime) -> bool:
    """Keep a long evaluation ours; False if the lease was lost."""
    result = await db.execute(
        update(AnswerEvaluation)
        .where(
            col(AnswerEvaluation.id) == job_id,
            col(AnswerEvaluation.lease_owner) == owner,
            col(AnswerEvaluation.status) == EvaluationStatus.RUNNING,
        )
        .values(lease_until=until)
    )
    return affected(result) > 0


async def complete(
    db: AsyncSession, job_id: uuid.UUID, *, owner: str, now: datetime, values: dict[str, Any]
) -> bool:
    """Store the result if we still hold the lease; a stale worker's result is discarded."""
    result = await db.execute(
        update(AnswerEvaluation)
        .where(
            col(AnswerEvaluation.id) == job_id,
            col(AnswerEvaluation.lease_owner) == owner,
            col(AnswerEvaluation.status) == EvaluationStatus.RUNNING,
        )
        .values(
            **values,
            status=EvaluationStatus.DONE,
            lease_until=None,
            updated_at=now,
            completed_at=now,
            error=None,
        )
    )
    return affected(result) > 0


async def give_back(
    db: AsyncSession, job_id: uuid.UUID, *, owner: str, now: datetime, error: str, retry_at: datetime | None
) -> bool:
    """After a failed attempt: pending again from `retry_at`, or failed for good when it is None."""
    values: dict[str, Any] = {"error": error[:2000], "updated_at": now, "lease_owner": None}
    if retry_at is None:
        values.update(status=EvaluationStatus.FAILED, lease_until=None, completed_at=now)
    else:
        values.update(status=EvaluationStatus.PENDING, lease_until=retry_at)
    result = await db.execute(
        update(AnswerEvaluation)
        .where(
            col(AnswerEvaluation.id) == job_id,
            col(AnswerEvaluation.lease_owner) == owner,
            col(AnswerEvaluation.status) == EvaluationStatus.RUNNING,
        )
        .values(**values)
    )
    return affected(result) > 0


async def reset_failed(db: AsyncSession, job_id: uuid.UUID, now: datetime) -> bool:
    """Queue a failed evaluation again from scratch (the candidate asked for a retry)."""
    result = await db.execute(
        update(AnswerEvaluation)
        .where(col(AnswerEvaluation.id) == job_id, col(AnswerEvaluation.status) == EvaluationStatus.FAILED)
        .values(
            status=EvaluationStatus.PENDING,
            attempts=0,
            lease_until=None,
            lease_owner=None,
            error=None,
            updated_at=now,
        )
    )
    return affected(result) > 0


async def count_unfinished(db: AsyncSession, session_id: uuid.UUID) -> int:
    """Evaluations of the session still pending or running."""
    query = (
        select(func.count())
        .select_from(AnswerEvaluation)
        .where(
            col(AnswerEvaluation.session_id) == session_id,
            col(AnswerEvaluation.status).in_((EvaluationStatus.PENDING, EvaluationStatus.RUNNING)),
        )
    )
    return int((await db.execute(query)).scalar_one())


async def queue_depth(db: AsyncSession) -> int:
    """All evaluations waiting or in flight."""
    query = (
        select(func.count())
        .select_from(AnswerEvaluation)
        .where(col(AnswerEvaluation.status).in_((EvaluationStatus.PENDING, EvaluationStatus.RUNNING)))
    )
    return int((await db.execute(query)).scalar_one())
