"""What a user was asked before, and what the session being planned already asked (both dialects)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.commands.demo_data import Batch
from coach.store.interviews import question_history
from tests.support.history import add_session, add_user, write

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


async def test_history_names_the_bank_ids_of_the_session_being_planned(
    db: async_sessionmaker[AsyncSession],
) -> None:
    batch = Batch()
    user_id = add_user(batch, T0, "history")
    earlier = add_session(
        batch, user_id, type="technical", created=T0, status="completed", score=5.0, answers=[(T0, 5.0, {})]
    )
    later = T0 + timedelta(days=1)
    current = add_session(
        batch,
        user_id,
        type="mixed",
        created=later,
        status="active",
        score=None,
        answers=[(later + timedelta(minutes=1), 5.0, {}), (later + timedelta(minutes=2), 6.0, {})],
    )
    bank_ids = {earlier: ["tech-old-01"], current: ["beh-a-01", "tech-b-01"]}
    for row in batch.questions:
        row["data"] = {"bank_id": bank_ids[row["session_id"]][row["position"]]}
        row["created_at"] = row["created_at"] + timedelta(seconds=row["position"])
    await write(db, batch)

    async with db() as s:
        history = await question_history(s, user_id, session_id=current)
        elsewhere = await question_history(s, user_id)
    assert history.seen_bank_ids == ["tech-old-01", "beh-a-01", "tech-b-01"]
    assert sorted(history.session_bank_ids) == ["beh-a-01", "tech-b-01"]
    assert elsewhere.session_bank_ids == []
