"""Ending a session: once, announced after the commit, with the summary when every answer is scored."""

from __future__ import annotations

import uuid
from datetime import datetime

from coach import protocol as m
from coach.domain.states import SessionStatus
from coach.services import answers, interviews
from coach.services.interviews import EndReason
from coach.services.unit_of_work import UnitOfWork
from coach.store import interviews as interview_rows


async def end_in(tx: UnitOfWork, session_id: uuid.UUID, reason: EndReason, now: datetime) -> bool:
    """End the session in this unit of work; whoever gets there first announces it (and the summary, if ready)."""
    db = tx.db
    session = await interview_rows.get_session(db, session_id, for_update=True)
    if session is None or session.status != SessionStatus.ACTIVE:
        return False
    if reason == "time_up":
        # A time-up ends at the time box's end, never a moment early (a timer may wake early).
        now = max(now, session.ends_at)
    if reason == "time_up" and await answers.submit_draft_at_time_up(db, session, now):
        tx.wake_workers()
    if not await interviews.end_session(db, session, now):
        return False
    summary = await interviews.refresh_scores(db, session)
    tx.publish(session_id, m.SessionEnded(reason=reason))
    if summary is not None:
        tx.publish(session_id, interviews.summary_message(summary))
    return True
