"""Reading what a metrics scrape shows from the database and the presence counter."""

from __future__ import annotations

from datetime import datetime

from coach.broker.presence import Presence
from coach.llm.port import Interviewer
from coach.metrics import Metrics
from coach.services.unit_of_work import Transactions
from coach.store import admin as admin_store
from coach.store import evaluations as eval_store


async def refresh_metrics(
    metrics: Metrics, presence: Presence, interviewer: Interviewer, transactions: Transactions, now: datetime
) -> None:
    """Read the values a scrape shows: socket counts, queue depth, newly stored feedback latencies."""
    snap = metrics.snapshot
    snap.interviewer = interviewer
    snap.open_sockets = presence.local
    snap.open_sockets_total = await presence.total()
    if snap.feedback_seen_until is None:
        snap.feedback_seen_until = now
    async with transactions.reading() as db:
        snap.queue_depth = await eval_store.queue_depth(db)
        for completed_at, seconds in await admin_store.feedback_completed_after(db, snap.feedback_seen_until):
            metrics.feedback_latency.observe(seconds)
            snap.feedback_seen_until = completed_at
