"""Queries on sessions, questions and answers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.domain.session_filter import SessionFilter
from coach.domain.states import QuestionStatus, SessionStatus
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion, InterviewSession
from coach.store.types import affected


async def get_session(
    db: AsyncSession, session_id: uuid.UUID, *, for_update: bool = False
) -> InterviewSession | None:
    """The session with this id, if any (row-locked on PostgreSQL when asked)."""
    query = select(InterviewSession).where(col(InterviewSession.id) == session_id)
    if for_update:
        query = query.with_for_update()
    return (await db.execute(query)).scalar_one_or_none()


async def list_sessions(
    db: AsyncSession, user_id: uuid.UUID, *, page: int, per_page: int, where: SessionFilter
) -> tuple[Sequence[InterviewSession], int]:
    """A page of the user's sessions, newest first, and the total matching."""
    conditions = [col(InterviewSession.user_id) == user_id]
    if where.type:
        conditions.append(col(InterviewSession.type) == where.type)
    if where.difficulty:
        conditions.append(col(InterviewSession.difficulty) == where.difficulty)
    if where.status:
        conditions.append(col(InterviewSession.status) == where.status)
    if where.created_from:
        conditions.append(col(InterviewSession.created_at) >= where.created_from)
    if where.created_to:
        conditions.append(col(InterviewSession.created_at) < where.created_to)
    total = (
        await db.execute(select(func.count()).select_from(InterviewSession).where(*conditions))
    ).scalar_one()
    rows = await db.execute(
        select(InterviewSession)
        .where(*conditions)
        .order_by(col(InterviewSession.created_at).desc(), col(InterviewSession.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return rows.scalars().all(), int(total)


async def questions_of(db: AsyncSession, session_id: uuid.UUID) -> Sequence[InterviewQuestion]:
    """The session's questions in order."""
    rows = await db.execute(
        select(InterviewQuestion)
        .where(col(InterviewQuestion.session_id) == session_id)
        .order_by(col(InterviewQuestion.position))
    )
    return rows.scalars().all()


async def answers_of(db: AsyncSession, session_id: uuid.UUID) -> Sequence[InterviewAnswer]:
    rows = await db.execute(select(InterviewAnswer).where(col(InterviewAnswer.session_id) == session_id))
    return rows.scalars().all()


async def evaluations_of(db: AsyncSession, session_id: uuid.UUID) -> Sequence[AnswerEvaluation]:
    rows = await db.execute(select(AnswerEvaluation).where(col(AnswerEvaluation.session_id) == session_id))
    return rows.scalars().all()


async def question_at(db: AsyncSession, session_id: uuid.UUID, position: int) -> InterviewQuestion | None:
    rows = await db.execute(
        select(InterviewQuestion).where(
            col(InterviewQuestion.session_id) == session_id,
            col(InterviewQuestion.position) == position,
        )
    )
    return rows.scalar_one_or_none()


async def get_question(
    db: AsyncSession, session_id: uuid.UUID, question_id: uuid.UUID
) -> InterviewQuestion | None:
    rows = await db.execute(
        select(InterviewQuestion).where(
            col(InterviewQuestion.id) == question_id,
            col(InterviewQuestion.session_id) == session_id,
        )
    )
    return rows.scalar_one_or_none()


async def answer_for(db: AsyncSession, question_id: uuid.UUID) -> InterviewAnswer | None:
    rows = await db.execute(select(InterviewAnswer).where(col(InterviewAnswer.question_id) == question_id))
    return rows.scalar_one_or_none()


async def evaluation_for(
    db: AsyncSession, answer_id: uuid.UUID, rubric_version: str
) -> AnswerEvaluation | None:
    rows = await db.execute(
        select(AnswerEvaluation).where(
            col(AnswerEvaluation.answer_id) == answer_id,
            col(AnswerEvaluation.rubric_version) == rubric_version,
        )
    )
    return rows.scalar_one_or_none()


@dataclass(slots=True)
class QuestionHistory:
    """What a user was asked before: bank ids oldest first, recent texts newest first."""

    seen_bank_ids: list[str]
    recent_texts: list[str]
    session_bank_ids: list[str] = field(default_factory=list)
    """Bank ids asked in the session being planned (no two of one topic family)."""


async def question_history(
    db: AsyncSession,
    user_id: uuid.UUID,
    *,
    session_id: uuid.UUID | None = None,
    limit: int = 500,
    recent: int = 20,
) -> QuestionHistory:
    """One query for both what the bank must not repeat and what an LLM is told not to repeat."""
    rows = await db.execute(
        select(
            col(InterviewQuestion.data),
            col(InterviewQuestion.text),
            col(InterviewQuestion.status),
            col(InterviewQuestion.session_id),
        )
        .join(InterviewSession, col(InterviewSession.id) == col(InterviewQuestion.session_id))
        .where(col(InterviewSession.user_id) == user_id)
        .order_by(col(InterviewQuestion.created_at).desc())
        .limit(limit)
    )
    newest_first = rows.all()
    asked = [
        (str(data["bank_id"]), sid)
        for data, _, _, sid in newest_first
        if isinstance(data, dict) and data.get("bank_id")
    ]
    texts = [text for _, text, status, _ in newest_first if status == QuestionStatus.READY][:recent]
    # Oldest first, so the bank's fallback re-asks the least recently seen question first.
    return QuestionHistory(
        seen_bank_ids=[bank_id for bank_id, _ in reversed(asked)],
        recent_texts=texts,
        session_bank_ids=[bank_id for bank_id, sid in asked if session_id is not None and sid == session_id],
    )


async def mark_submitted(
    db: AsyncSession, answer_id: uuid.UUID, *, text: str, language: str | None, key: str, now: datetime
) -> bool:
    """Submit the answer unless it already was; False when another submit won."""
    result = await db.execute(
        update(InterviewAnswer)
        .where(col(InterviewAnswer.id) == answer_id, col(InterviewAnswer.submitted_at).is_(None))
        .values(text=text, language=language, idempotency_key=key, submitted_at=now)
    )
    return affected(result) > 0


async def insert_streaming_question(
    db: AsyncSession, session_id: uuid.UUID, position: int, kind: str, now: datetime, until: datetime
) -> InterviewQuestion | None:
    """Claim the right to write the question at `position`; None if another writer got there first."""
    question = InterviewQuestion(
        session_id=session_id,
        position=position,
        kind=kind,
        text="",
        data={},
        status=QuestionStatus.STREAMING,
        claimed_until=until,
        created_at=now,
    )
    try:
        async with db.begin_nested():
            db.add(question)
    except IntegrityError:
        return None
    return question


async def take_over_question(
    db: AsyncSession, question: InterviewQuestion, now: datetime, until: datetime
) -> bool:
    """Take an abandoned question (its writer's claim expired) under a new id."""
    result = await db.execute(
        update(InterviewQuestion)
        .where(
            col(InterviewQuestion.id) == question.id,
            col(InterviewQuestion.status) == QuestionStatus.STREAMING,
            col(InterviewQuestion.claimed_until) <= now,
        )
        .values(id=uuid.uuid4(), claimed_until=until)
        .returning(col(InterviewQuestion.id))
    )
    new_id = result.scalar_one_or_none()
    if new_id is None:
        return False
    question.id = new_id
    question.claimed_until = until
    return True


async def extend_question_claim(db: AsyncSession, question_id: uuid.UUID, until: datetime) -> None:
    await db.execute(
        update(InterviewQuestion)
        .where(
            col(InterviewQuestion.id) == question_id,
            col(InterviewQuestion.status) == QuestionStatus.STREAMING,
        )
        .values(claimed_until=until)
    )


async def renumber_question(db: AsyncSession, question_id: uuid.UUID) -> uuid.UUID:
    """Give a streaming question a new id (the old one was withdrawn from clients)."""
    new_id = uuid.uuid4()
    await db.execute(
        update(InterviewQuestion)
        .where(
            col(InterviewQuestion.id) == question_id,
            col(InterviewQuestion.status) == QuestionStatus.STREAMING,
        )
        .values(id=new_id)
    )
    return new_id


async def finish_question(
    db: AsyncSession, question_id: uuid.UUID, *, text: str, kind: str, data: dict[str, Any]
) -> bool:
    """Store the whole question; it becomes the current question for every client."""
    result = await db.execute(
        update(InterviewQuestion)
        .where(
            col(InterviewQuestion.id) == question_id,
            col(InterviewQuestion.status) == QuestionStatus.STREAMING,
        )
        .values(text=text, kind=kind, data=data, status=QuestionStatus.READY, claimed_until=None)
    )
    return affected(result) > 0


async def complete_session(db: AsyncSession, session_id: uuid.UUID, now: datetime) -> bool:
    """Mark an active session completed; False if it was not active (someone else ended it)."""
    result = await db.execute(
        update(InterviewSession)
        .where(col(InterviewSession.id) == session_id, col(InterviewSession.status) == SessionStatus.ACTIVE)
        .values(status=SessionStatus.COMPLETED, ended_at=now)
    )
    return affected(result) > 0


async def expired_sessions(db: AsyncSession, now: datetime, limit: int) -> list[uuid.UUID]:
    """Active sessions whose time box has passed, oldest end first."""
    query = (
        select(col(InterviewSession.id))
        .where(col(InterviewSession.status) == SessionStatus.ACTIVE, col(InterviewSession.ends_at) <= now)
        .order_by(col(InterviewSession.ends_at))
        .limit(limit)
    )
    return list((await db.execute(query)).scalars())
