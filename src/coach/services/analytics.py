"""Analytics use cases: read one user's history from the store, aggregate with the pure domain functions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from coach.domain import analytics as a
from coach.store import analytics as store


async def summary(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0
) -> a.Summary:
    """The dashboard headline numbers for the user's local day."""
    sessions = await store.session_records(db, user_id)
    answers = await store.scored_answers(db, user_id)
    return a.summary(sessions, answers, a.local_date(now, tz_offset_minutes), tz_offset_minutes)


async def progress(
    db: AsyncSession,
    user_id: uuid.UUID,
    bucket: a.Bucket,
    type: str | None = None,
    tz_offset_minutes: int = 0,
) -> a.Progress:
    """Average score per day or week, one series per interview type."""
    answers = await store.scored_answers(db, user_id, type=type, with_skills=False)
    return a.progress(answers, bucket, type, tz_offset_minutes)


async def skills(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0
) -> list[a.SkillStat]:
    """Every assessed skill's average, samples and trend."""
    answers = await store.scored_answers(db, user_id)
    return a.skills(answers, a.local_date(now, tz_offset_minutes))


async def recommendations(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0, limit: int = 3
) -> list[a.Recommendation]:
    """Sessions to practise the weakest skills next."""
    answers = await store.scored_answers(db, user_id)
    stats = a.skills(answers, a.local_date(now, tz_offset_minutes))
    sessions = await store.session_records(db, user_id)
    role = await store.target_role(db, user_id)
    return a.recommendations(stats, sessions, role, limit)
