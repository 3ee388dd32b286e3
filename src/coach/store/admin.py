"""Service-wide counts for admins; each query runs on an index (status, created_at or completed_at)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.domain.states import EvaluationStatus, SessionStatus
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewSession, User

IN_FLIGHT = (EvaluationStatus.PENDING, EvaluationStatus.RUNNING)


async def _count(db: AsyncSession, model: type, *where: Any) -> int:
    query = select(func.count()).select_from(model).where(*where)
    return int((await db.execute(query)).scalar_one())


async def count_users(db: AsyncSession) -> int:
    return await _count(db, User)


async def count_sessions_since(db: AsyncSession, since: datetime) -> int:
    return await _count(db, InterviewSession, col(InterviewSession.created_at) >= since)


async def count_active_sessions(db: AsyncSession, now: datetime) -> int:
    """Sessions still open and within their time box (a lapsed one is ended on next touch)."""
    return await _count(
        db,
        InterviewSession,
        col(InterviewSession.status) == SessionStatus.ACTIVE,
        col(InterviewSession.ends_at) > now,
    )


async def count_in_flight(db: AsyncSession) -> int:
    """Evaluations pending or running."""
    return await _count(db, AnswerEvaluation, col(AnswerEvaluation.status).in_(IN_FLIGHT))


async def count_finished_since(db: AsyncSession, status: str, since: datetime) -> int:
    """Evaluations that ended as `status` (done or failed) since `since`."""
    return await _count(
        db,
        AnswerEvaluation,
        col(AnswerEvaluation.status) == status,
        col(AnswerEvaluation.completed_at) >= since,
    )


async def feedback_seconds_since(db: AsyncSession, since: datetime) -> list[float]:
    """For each evaluation done since `since`: seconds from its answer's submission to its completion."""
    query = (
        select(col(InterviewAnswer.submitted_at), col(AnswerEvaluation.completed_at))
        .select_from(AnswerEvaluation)
        .join(InterviewAnswer, col(InterviewAnswer.id) == col(AnswerEvaluation.answer_id))
        .where(
            col(AnswerEvaluation.status) == EvaluationStatus.DONE, col(AnswerEvaluation.completed_at) >= since
        )
    )
    rows = (await db.execute(query)).all()
    return [max(0.0, (done - submitted).total_seconds()) for submitted, done in rows if submitted and done]


async def token_usage_since(db: AsyncSession, since: datetime) -> list[tuple[str | None, int, int, int]]:
    """(model, evaluations, prompt tokens, completion tokens) for evaluations finished since `since`."""
    query = (
        select(
            col(AnswerEvaluation.model),
            func.count(),
            func.coalesce(func.sum(col(AnswerEvaluation.prompt_tokens)), 0),
            func.coalesce(func.sum(col(AnswerEvaluation.completion_tokens)), 0),
        )
        .where(
            col(AnswerEvaluation.status).in_((EvaluationStatus.DONE, EvaluationStatus.FAILED)),
            col(AnswerEvaluation.completed_at) >= since,
        )
        .group_by(col(AnswerEvaluation.model))
    )
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in (await db.execute(query)).all()]


async def set_role(db: AsyncSession, email: str, role: str) -> uuid.UUID | None:
    """Give the account with this (normalised) email `role`; its id, or None without such an account."""
    result = await db.execute(
        update(User).where(col(User.email) == email).values(role=role).returning(col(User.id))
    )
    row = result.first()
    return row[0] if row else None


async def feedback_completed_after(db: AsyncSession, after: datetime) -> list[tuple[datetime, float]]:
    """(completed_at, seconds from submission) of evaluations done after `after`, oldest first."""
    query = (
        select(col(AnswerEvaluation.completed_at), col(InterviewAnswer.submitted_at))
        .select_from(AnswerEvaluation)
        .join(InterviewAnswer, col(InterviewAnswer.id) == col(AnswerEvaluation.answer_id))
        .where(
            col(AnswerEvaluation.status) == EvaluationStatus.DONE, col(AnswerEvaluation.completed_at) > after
        )
        .order_by(col(AnswerEvaluation.completed_at))
        .limit(10_000)
    )
    rows = (await db.execute(query)).all()
    return [
        (done, max(0.0, (done - submitted).total_seconds())) for done, submitted in rows if done and submitted
    ]
