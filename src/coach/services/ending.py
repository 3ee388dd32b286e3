"""Ending a session: once, announced after the commit, with the summary when every answer is scored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import protocol as m
from coach.broker.wakeup import Wakeup
from coach.services import answers, interviews
from coach.services.events import EventBus, publish
from coach.services.interviews import EndReason
from coach.store import interviews as store
from coach.store.models import InterviewSession


async def end_and_announce(
    sessions: async_sessionmaker[AsyncSession],
    bus: EventBus,
    session_id: uuid.UUID,
    reason: EndReason,
    now: datetime,
    wakeup: Wakeup | None = None,
) -> bool:
    """End the session; whoever gets there first announces it (and the summary, if ready)."""
    async with sessions() as db:
        session = await store.get_session(db, session_id, for_update=True)
        if session is not None and reason == "time_up":
            # A time-up ends at the time box's end, never a moment early (a timer may wake early).
            now = max(now, session.ends_at)
        if session is None or session.status != "active":
            return False
        drafted = reason == "time_up" and await answers.submit_draft_at_time_up(db, session, now)
        if not await interviews.end_session(db, session, now):
            return False
        summary = await interviews.refresh_scores(db, session)
        await db.commit()
    if drafted and wakeup is not None:
        await wakeup.notify()
    await publish(bus, session_id, m.SessionEnded(reason=reason))
    if summary is not None:
        await publish(bus, session_id, interviews.summary_message(summary))
    return True


async def expire_if_over(
    sessions: async_sessionmaker[AsyncSession],
    bus: EventBus,
    session: InterviewSession,
    now: datetime,
    wakeup: Wakeup | None = None,
) -> bool:
    """The time box is enforced lazily too: a session whose end passed unwatched ends on its next read."""
    if session.status != "active" or not interviews.is_over(session, now):
        return False
    return await end_and_announce(sessions, bus, session.id, "time_up", now, wakeup)
