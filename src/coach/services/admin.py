"""Admin use cases: today's service-wide numbers and the live counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.broker.presence import Presence
from coach.domain import admin as d
from coach.domain.accounts import normalize_email
from coach.store import admin as store


def start_of_day(now: datetime) -> datetime:
    """Midnight UTC of `now`'s day."""
    return datetime.combine(now.astimezone(UTC).date(), time.min, UTC)


async def stats(db: AsyncSession, now: datetime) -> d.AdminStats:
    """Users, sessions, evaluation queue, feedback latency and LLM usage for the UTC day."""
    since = start_of_day(now)
    return d.AdminStats(
        users=await store.count_users(db),
        sessions_today=await store.count_sessions_since(db, since),
        active_sessions=await store.count_active_sessions(db, now),
        evaluations=d.Evaluations(
            pending=await store.count_in_flight(db),
            failed_today=await store.count_finished_since(db, "failed", since),
            done_today=await store.count_finished_since(db, "done", since),
        ),
        feedback_latency=d.latency(await store.feedback_seconds_since(db, since)),
        llm=d.llm_usage(await store.token_usage_since(db, since)),
        since=since,
    )


async def live_counts(
    sessions: async_sessionmaker[AsyncSession], presence: Presence, now: datetime
) -> d.LiveCounts:
    """Open sockets (all live instances), active sessions and evaluations in flight."""
    open_sockets = await presence.total()
    async with sessions() as db:
        active = await store.count_active_sessions(db, now)
        in_flight = await store.count_in_flight(db)
    return d.LiveCounts(open_sockets=open_sockets, active_sessions=active, evaluations_in_flight=in_flight)


async def grant_admin(db: AsyncSession, email: str) -> uuid.UUID | None:
    """Make the account with this email an admin; its id, or None if there is no such account."""
    return await store.set_role(db, normalize_email(email), "admin")
