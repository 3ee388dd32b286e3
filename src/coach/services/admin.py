"""Admin use cases: today's service-wide numbers and the live counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.broker.presence import Presence
from coach.domain import admin as d
from coach.domain.accounts import normalize_email
from coach.domain.states import AccountRole, EvaluationStatus
from coach.store import admin as admin_rows


def start_of_day(now: datetime) -> datetime:
    """Midnight UTC of `now`'s day."""
    return datetime.combine(now.astimezone(UTC).date(), time.min, UTC)


async def stats(db: AsyncSession, now: datetime) -> d.AdminStats:
    """Users, sessions, evaluation queue, feedback latency and LLM usage for the UTC day."""
    since = start_of_day(now)
    return d.AdminStats(
        users=await admin_rows.count_users(db),
        sessions_today=await admin_rows.count_sessions_since(db, since),
        active_sessions=await admin_rows.count_active_sessions(db, now),
        evaluations=d.Evaluations(
            pending=await admin_rows.count_in_flight(db),
            failed_today=await admin_rows.count_finished_since(db, EvaluationStatus.FAILED, since),
            done_today=await admin_rows.count_finished_since(db, EvaluationStatus.DONE, since),
        ),
        feedback_latency=d.latency(await admin_rows.feedback_seconds_since(db, since)),
        llm=d.llm_usage(await admin_rows.token_usage_since(db, since)),
        since=since,
    )


async def live_counts(
    sessions: async_sessionmaker[AsyncSession], presence: Presence, now: datetime
) -> d.LiveCounts:
    """Open sockets (all live instances), active sessions and evaluations in flight."""
    open_sockets = await presence.total()
    async with sessions() as db:
        active = await admin_rows.count_active_sessions(db, now)
        in_flight = await admin_rows.count_in_flight(db)
    return d.LiveCounts(open_sockets=open_sockets, active_sessions=active, evaluations_in_flight=in_flight)


async def grant_admin(db: AsyncSession, email: str) -> uuid.UUID | None:
    """Make the account with this email an admin; its id, or None if there is no such account."""
    return await admin_rows.set_role(db, normalize_email(email), AccountRole.ADMIN)
