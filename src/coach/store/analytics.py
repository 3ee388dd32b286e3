"""Analytics queries: one user's sessions and evaluated answers, read through the per-user indexes.

Every query starts from `interview_sessions` filtered on `user_id` (index user_id, created_at)
and reaches evaluations through `ix_answer_evaluations_session`, so another user's rows are never
read and the cost grows with this user's history, not the table's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import String, cast, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.domain.analytics import ScoredAnswer, SessionRecord
from coach.store.models import AnswerEvaluation, InterviewSession, User

_skills = msgspec.json.Decoder(dict[str, float])


def _skill_scores(raw: Any) -> dict[str, float]:
    # Read as text and decoded here: msgspec is several times faster than the driver's json codec.
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {str(k): float(v) for k, v in raw.items()}
    try:
        return _skills.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return {}


async def scored_answers(
    db: AsyncSession, user_id: uuid.UUID, *, type: str | None = None, with_skills: bool = True
) -> list[ScoredAnswer]:
    """The user's evaluated answers (status done, with a score), oldest first."""
    columns: list[Any] = [
        col(InterviewSession.id),
        col(InterviewSession.type),
        col(InterviewSession.difficulty),
        col(AnswerEvaluation.completed_at),
        col(AnswerEvaluation.score),
    ]
    if with_skills:
        columns.append(cast(col(AnswerEvaluation.skill_scores), String))
    query = (
        select(*columns)
        .select_from(InterviewSession)
        .join(AnswerEvaluation, col(AnswerEvaluation.session_id) == col(InterviewSession.id))
        .where(
            col(InterviewSession.user_id) == user_id,
            col(AnswerEvaluation.status) == "done",
            col(AnswerEvaluation.score).is_not(None),
            col(AnswerEvaluation.completed_at).is_not(None),
        )
        .order_by(col(AnswerEvaluation.completed_at))
    )
    if type is not None:
        query = query.where(col(InterviewSession.type) == type)
    rows = (await db.execute(query)).all()
    return [
        ScoredAnswer(
            session_id=str(row[0]),
            session_type=row[1],
            difficulty=row[2],
            evaluated_at=row[3],
            score=float(row[4]),
            skill_scores=_skill_scores(row[5]) if with_skills else {},
        )
        for row in rows
    ]


async def session_records(db: AsyncSession, user_id: uuid.UUID) -> list[SessionRecord]:
    """Every session of the user, oldest first."""
    query = (
        select(
            col(InterviewSession.id),
            col(InterviewSession.type),
            col(InterviewSession.difficulty),
            col(InterviewSession.status),
            col(InterviewSession.created_at),
            col(InterviewSession.score),
        )
        .where(col(InterviewSession.user_id) == user_id)
        .order_by(col(InterviewSession.created_at))
    )
    rows: Sequence[Any] = (await db.execute(query)).all()
    return [
        SessionRecord(
            session_id=str(r[0]), type=r[1], difficulty=r[2], status=r[3], created_at=r[4], score=r[5]
        )
        for r in rows
    ]


async def target_role(db: AsyncSession, user_id: uuid.UUID) -> str | None:
    """The role the user said they are preparing for, if any."""
    query = select(col(User.target_role)).where(col(User.id) == user_id)
    return (await db.execute(query)).scalar_one_or_none()
