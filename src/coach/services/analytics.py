"""Analytics use cases: read one user's running totals from the store, report with the pure domain functions."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from coach.domain import analytics as a
from coach.domain.analytics import totals as t
from coach.domain.analytics.overview import streak
from coach.store import analytics as analytics_rows

STREAK_WINDOW_DAYS = 14
"""Days of practice read for the streak at first; a longer streak reads the whole history."""


async def summary(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0
) -> a.Summary:
    """The dashboard headline numbers for the user's local day."""
    today = a.local_date(now, tz_offset_minutes)
    sessions = await analytics_rows.session_totals(db, user_id)
    answers, score_sum = await analytics_rows.scored_answer_totals(db, user_id)
    since = today - timedelta(days=STREAK_WINDOW_DAYS)
    days = await analytics_rows.practice_days(db, user_id, tz_offset_minutes, since)
    if streak(days, today) >= STREAK_WINDOW_DAYS:
        days = await analytics_rows.practice_days(db, user_id, tz_offset_minutes, None)
    skills = await analytics_rows.skill_totals(db, user_id, with_trend=False)
    return t.summary_from_totals(sessions, answers, score_sum, days, skills, today)


async def progress(
    db: AsyncSession,
    user_id: uuid.UUID,
    bucket: a.Bucket,
    type: str | None = None,
    tz_offset_minutes: int = 0,
) -> a.Progress:
    """Average score per day or week, one series per interview type."""
    buckets = await analytics_rows.bucket_totals(db, user_id, bucket, type, tz_offset_minutes)
    return t.progress_from_totals(buckets, bucket, type)


async def skills(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0
) -> list[a.SkillStat]:
    """Every assessed skill's average, samples and trend."""
    return t.skills_from_totals(await analytics_rows.skill_totals(db, user_id))


async def recommendations(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, tz_offset_minutes: int = 0, limit: int = 3
) -> list[a.Recommendation]:
    """Sessions to practise the weakest skills next."""
    stats = t.skills_from_totals(await analytics_rows.skill_totals(db, user_id, with_trend=False))
    first = await analytics_rows.session_records(db, user_id, limit=1)
    role = await analytics_rows.target_role(db, user_id)
    return a.recommendations(stats, first, role, limit)
