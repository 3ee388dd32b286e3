"""Session use cases: start, read, end, and the summary once every answer is evaluated."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from coach import protocol as m
from coach.domain.errors import NotFound
from coach.domain.plan import SessionSpec, StoredPlan
from coach.domain.states import SessionStatus
from coach.services.snapshot import build_state, summary_of
from coach.store import evaluations as eval_store
from coach.store import interviews as interview_rows
from coach.store.models import InterviewSession

EndReason = Literal["completed", "time_up", "ended_by_candidate"]


async def start_session(
    db: AsyncSession, user_id: uuid.UUID, spec: SessionSpec, now: datetime
) -> InterviewSession:
    """Create a session and its plan; the first question is asked when the socket connects."""
    spec = spec.checked()
    session = InterviewSession(
        user_id=user_id,
        type=spec.type,
        difficulty=spec.difficulty,
        role=spec.role,
        language=spec.language_or_default,
        duration_minutes=spec.duration_minutes,
        plan=msgspec.to_builtins(StoredPlan.of(spec.plan())),
        created_at=now,
        ends_at=now + timedelta(minutes=spec.duration_minutes),
    )
    db.add(session)
    await db.flush()
    return session


async def owned_session(
    db: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, *, for_update: bool = False
) -> InterviewSession:
    """The session if it belongs to the user; NotFound otherwise (never reveal others' sessions)."""
    session = await interview_rows.get_session(db, session_id, for_update=for_update)
    if session is None or session.user_id != user_id:
        raise NotFound("No such interview session.")
    return session


async def load_state(db: AsyncSession, session: InterviewSession, now: datetime) -> m.SessionState:
    """The session's whole transcript as a `session.state` snapshot."""
    return build_state(
        session,
        await interview_rows.questions_of(db, session.id),
        await interview_rows.answers_of(db, session.id),
        await interview_rows.evaluations_of(db, session.id),
        now,
    )


def is_over(session: InterviewSession, now: datetime) -> bool:
    """Whether the time box has passed (server clock)."""
    return now >= session.ends_at


async def end_session(db: AsyncSession, session: InterviewSession, now: datetime) -> bool:
    """Mark the session completed; False if it already was (only one caller wins)."""
    if not await interview_rows.complete_session(db, session.id, now):
        return False
    await db.refresh(session)
    return True


async def refresh_scores(db: AsyncSession, session: InterviewSession) -> m.SessionScores | None:
    """Recompute the session's aggregate score; return the summary if the session is finished and fully evaluated."""
    answers = await interview_rows.answers_of(db, session.id)
    evaluations = await interview_rows.evaluations_of(db, session.id)
    summary = summary_of(session, answers, evaluations)
    session.score = summary.score
    session.skill_scores = dict(summary.skill_scores)
    db.add(session)
    await db.flush()
    if session.status != SessionStatus.COMPLETED or await eval_store.count_unfinished(db, session.id):
        return None
    return summary


def summary_message(summary: m.SessionScores) -> m.SessionSummary:
    return m.SessionSummary(
        score=summary.score,
        skill_scores=summary.skill_scores,
        answered=summary.answered,
        evaluated=summary.evaluated,
        total=summary.total,
    )
