"""Analytics queries: one user's running totals, sessions and evaluated answers.

The reports read the totals (`user_hourly_stats`, `user_skill_daily`), which `add_evaluation` keeps
up to date in the transaction that stores each evaluation; their primary keys start with `user_id`,
so a request reads this user's rows only, grouped in SQL to tens or hundreds of rows. `scored_answers`
reads the raw answers the totals summarise (to check them against the domain's raw-answer functions);
it starts from `interview_sessions` on `user_id` and reaches evaluations through
`ix_answer_evaluations_session`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec
from sqlalchemy import Integer, String, Uuid, bindparam, case, cast, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.domain.analytics import Bucket, ScoredAnswer, SessionRecord
from coach.domain.analytics import totals as t
from coach.domain.analytics.models import EvaluationScore
from coach.domain.states import EvaluationStatus, SessionStatus
from coach.store.models import AnswerEvaluation, InterviewSession, User, UserHourlyStats, UserSkillDaily
from coach.store.types import UTCDateTime

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
            col(AnswerEvaluation.status) == EvaluationStatus.DONE,
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


async def session_records(
    db: AsyncSession, user_id: uuid.UUID, limit: int | None = None
) -> list[SessionRecord]:
    """The user's sessions, oldest first (all, or the first `limit`)."""
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
        .limit(limit)
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


def _insert(db: AsyncSession) -> Any:
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE on both PostgreSQL and SQLite."""
    return postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert


async def add_totals(
    db: AsyncSession, user_id: uuid.UUID, hours: Iterable[t.HourTotal], days: Iterable[t.SkillDayTotal]
) -> None:
    """Add to the user's running totals (an upsert per table, rows added to what is there)."""
    insert = _insert(db)
    hour_rows = [
        {"user_id": user_id, "hour": h.hour, "session_type": h.session_type, "answers": h.answers,
         "score_sum": h.score_sum}
        for h in hours
    ]  # fmt: skip
    if hour_rows:
        stmt = insert(UserHourlyStats).values(hour_rows)
        table = UserHourlyStats.__table__.c  # type: ignore[attr-defined]
        await db.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "hour", "session_type"],
                set_={
                    "answers": table.answers + stmt.excluded.answers,
                    "score_sum": table.score_sum + stmt.excluded.score_sum,
                },
            )
        )
    day_rows = [
        {"user_id": user_id, "skill": d.skill, "day": d.day, "samples": d.samples, "score_sum": d.score_sum}
        for d in days
    ]
    if day_rows:
        stmt = insert(UserSkillDaily).values(day_rows)
        table = UserSkillDaily.__table__.c  # type: ignore[attr-defined]
        await db.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "skill", "day"],
                set_={
                    "samples": table.samples + stmt.excluded.samples,
                    "score_sum": table.score_sum + stmt.excluded.score_sum,
                },
            )
        )


async def add_evaluation(
    db: AsyncSession,
    user_id: uuid.UUID,
    session_type: str,
    completed_at: datetime,
    score: float,
    skill_scores: dict[str, Any],
) -> None:
    """Count one stored evaluation in the user's totals; call it in the transaction that stores it."""
    answer = EvaluationScore(
        session_type=session_type,
        evaluated_at=completed_at,
        score=float(score),
        skill_scores={str(k): float(v) for k, v in skill_scores.items() if isinstance(v, int | float)},
    )
    hours, days = t.totals_of([answer])
    await add_totals(db, user_id, hours, days)


_REBUILD = {
    "postgresql": (
        """INSERT INTO user_hourly_stats (user_id, hour, session_type, answers, score_sum)
        SELECT s.user_id, floor(extract(epoch FROM e.completed_at) / 3600)::int, s.type, count(*), sum(e.score)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
        """INSERT INTO user_skill_daily (user_id, skill, day, samples, score_sum)
        SELECT s.user_id, k.key, floor(extract(epoch FROM e.completed_at) / 86400)::int, count(*),
          sum(k.value::float)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id,
          jsonb_each_text(CASE WHEN jsonb_typeof(e.skill_scores) = 'object' THEN e.skill_scores END) k
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
    ),
    "sqlite": (
        """INSERT INTO user_hourly_stats (user_id, hour, session_type, answers, score_sum)
        SELECT s.user_id, CAST(strftime('%s', e.completed_at) AS INTEGER) / 3600, s.type, count(*), sum(e.score)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
        """INSERT INTO user_skill_daily (user_id, skill, day, samples, score_sum)
        SELECT s.user_id, k.key, CAST(strftime('%s', e.completed_at) AS INTEGER) / 86400, count(*),
          sum(CAST(k.value AS REAL))
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id,
          json_each(CASE WHEN json_type(e.skill_scores) = 'object' THEN e.skill_scores END) k
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
    ),
}


async def rebuild_totals(db: AsyncSession) -> None:
    """Recompute every user's totals from the stored evaluations (after bulk loads that bypass the worker)."""
    await db.execute(delete(UserSkillDaily))
    await db.execute(delete(UserHourlyStats))
    for statement in _REBUILD[db.get_bind().dialect.name]:
        await db.execute(text(statement))


async def scored_answer_totals(db: AsyncSession, user_id: uuid.UUID) -> tuple[int, float]:
    """How many evaluated answers the user has, and the sum of their scores."""
    query = select(
        func.coalesce(func.sum(col(UserHourlyStats.answers)), 0),
        func.coalesce(func.sum(col(UserHourlyStats.score_sum)), 0.0),
    ).where(col(UserHourlyStats.user_id) == user_id)
    row = (await db.execute(query)).one()
    return int(row[0]), float(row[1])


async def session_totals(db: AsyncSession, user_id: uuid.UUID) -> t.SessionTotals:
    """Sessions started and completed, and the best completed score (on the user's sessions index)."""
    completed = col(InterviewSession.status) == SessionStatus.COMPLETED
    query = select(
        func.count(),
        func.coalesce(func.sum(case((completed, 1), else_=0)), 0),
        func.max(case((completed, col(InterviewSession.score)), else_=None)),
    ).where(col(InterviewSession.user_id) == user_id)
    row = (await db.execute(query)).one()
    return t.SessionTotals(
        started=int(row[0]), completed=int(row[1]), best_score=None if row[2] is None else float(row[2])
    )


# Distinct local days, computed in SQL; hour * 60 + tz is positive, so / is floor division.
_PRACTICE_DAYS = {
    "postgresql": """SELECT (hour * 60 + :tz) / 1440 FROM user_hourly_stats
        WHERE user_id = :user_id AND hour >= :from_hour
      UNION SELECT floor((extract(epoch FROM created_at) + :tz * 60) / 86400)::int FROM interview_sessions
        WHERE user_id = :user_id AND created_at >= :from_time""",
    "sqlite": """SELECT (hour * 60 + :tz) / 1440 FROM user_hourly_stats
        WHERE user_id = :user_id AND hour >= :from_hour
      UNION SELECT (CAST(strftime('%s', created_at) AS INTEGER) + :tz * 60) / 86400 FROM interview_sessions
        WHERE user_id = :user_id AND created_at >= :from_time""",
}


def _practice_days(dialect: str) -> Any:
    return text(_PRACTICE_DAYS[dialect]).bindparams(
        bindparam("user_id", type_=Uuid()),
        bindparam("tz", type_=Integer()),
        bindparam("from_hour", type_=Integer()),
        bindparam("from_time", type_=UTCDateTime()),
    )


async def practice_days(
    db: AsyncSession, user_id: uuid.UUID, tz_offset_minutes: int, since: date | None
) -> set[date]:
    """The user's local days with an evaluated answer or a started session, from `since` on (or ever)."""
    # A day early on the UTC side, so no offset can push a local day of the window out of it.
    start = since - timedelta(days=1) if since is not None else t.EPOCH
    params = {
        "user_id": user_id,
        "tz": tz_offset_minutes,
        "from_hour": (start - t.EPOCH).days * 24,
        "from_time": datetime.combine(start, time(), UTC),
    }
    rows = await db.execute(_practice_days(db.get_bind().dialect.name), params)
    return {t.bucket_date(int(day), "day") for day in rows.scalars()}


_BUCKETS = text(
    """SELECT CASE WHEN :week = 1 THEN ((hour * 60 + :tz) / 1440 + 3) / 7 ELSE (hour * 60 + :tz) / 1440 END AS b,
       session_type, sum(answers) AS answers, sum(score_sum) AS score_sum
    FROM user_hourly_stats
    WHERE user_id = :user_id AND (:type IS NULL OR session_type = :type)
    GROUP BY 1, 2 ORDER BY 1, 2"""
).bindparams(
    bindparam("user_id", type_=Uuid()),
    bindparam("week", type_=Integer()),
    bindparam("tz", type_=Integer()),
    bindparam("type", type_=String()),
)


async def bucket_totals(
    db: AsyncSession, user_id: uuid.UUID, bucket: Bucket, type: str | None, tz_offset_minutes: int
) -> list[t.BucketTotal]:
    """The user's answers per local day or ISO week and session type, grouped in SQL."""
    # hour * 60 + tz is positive for any real date and offset, so integer division is floor division.
    rows = await db.execute(
        _BUCKETS, {"user_id": user_id, "week": int(bucket == "week"), "tz": tz_offset_minutes, "type": type}
    )
    return [t.BucketTotal(t.bucket_date(int(r[0]), bucket), r[1], int(r[2]), float(r[3])) for r in rows]


# Each day's share of the older half (the first samples // 2 scores) and of the newer half (the last
# samples // 2) by the running count of samples; a day straddling the middle counts at its mean.
_SKILLS = text(
    """SELECT skill, max(total) AS samples, sum(score_sum) AS score_sum,
       sum(CASE WHEN cum <= half THEN samples WHEN cum - samples >= half THEN 0
           ELSE half - (cum - samples) END * score_sum / samples) AS older_sum,
       sum(CASE WHEN cum - samples >= total - half THEN samples WHEN cum <= total - half THEN 0
           ELSE cum - (total - half) END * score_sum / samples) AS newer_sum
    FROM (
      SELECT skill, samples, score_sum,
        sum(samples) OVER (PARTITION BY skill ORDER BY day) AS cum,
        sum(samples) OVER (PARTITION BY skill) AS total,
        sum(samples) OVER (PARTITION BY skill) / 2 AS half
      FROM user_skill_daily WHERE user_id = :user_id AND samples > 0
    ) d
    GROUP BY skill ORDER BY skill"""
).bindparams(bindparam("user_id", type_=Uuid()))


async def skill_totals(db: AsyncSession, user_id: uuid.UUID, with_trend: bool = True) -> list[t.SkillTotal]:
    """Each skill's samples and score sum, with the half sums the trend needs (the costlier query)."""
    if with_trend:
        rows = await db.execute(_SKILLS, {"user_id": user_id})
        return [t.SkillTotal(r[0], int(r[1]), float(r[2]), float(r[3]), float(r[4])) for r in rows]
    query = (
        select(
            col(UserSkillDaily.skill),
            func.sum(col(UserSkillDaily.samples)),
            func.sum(col(UserSkillDaily.score_sum)),
        )
        .where(col(UserSkillDaily.user_id) == user_id)
        .group_by(col(UserSkillDaily.skill))
    )
    return [t.SkillTotal(r[0], int(r[1]), float(r[2])) for r in await db.execute(query)]
