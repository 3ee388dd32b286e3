"""Known practice history written straight through the store, with fixed timestamps."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.commands.demo_data import Batch, insert


def add_user(batch: Batch, created: datetime, label: str = "test") -> uuid.UUID:
    """A candidate with a unique email; returns their id."""
    user_id = uuid.uuid4()
    batch.users.append(
        {
            "id": user_id,
            "email": f"{label}-{user_id.hex[:10]}@example.com",
            "name": f"{label.title()} Test",
            "password_hash": "x",
            "role": "candidate",
            "preferred_types": [],
            "created_at": created,
            "updated_at": created,
        }
    )
    return user_id


def add_session(
    batch: Batch,
    user_id: uuid.UUID,
    *,
    type: str,
    created: datetime,
    status: str,
    score: float | None,
    answers: list[tuple[datetime, float, dict[str, float]]],
) -> uuid.UUID:
    """A session with one question, answer and done evaluation per (evaluated_at, score, skills)."""
    session_id = uuid.uuid4()
    batch.sessions.append(
        {
            "id": session_id,
            "user_id": user_id,
            "type": type,
            "difficulty": "medium",
            "role": "backend engineer",
            "duration_minutes": 30,
            "status": status,
            "plan": {"total": len(answers)},
            "score": score,
            "position": 0,
            "skill_scores": {},
            "created_at": created,
            "ends_at": created + timedelta(minutes=30),
        }
    )
    for position, (evaluated_at, value, skills) in enumerate(answers):
        question_id, answer_id = uuid.uuid4(), uuid.uuid4()
        submitted = evaluated_at - timedelta(seconds=2)
        batch.questions.append(
            {
                "id": question_id,
                "session_id": session_id,
                "position": position,
                "kind": "technical",
                "text": "Q",
                "data": {},
                "status": "ready",
                "created_at": created,
            }
        )
        batch.answers.append(
            {
                "id": answer_id,
                "session_id": session_id,
                "question_id": question_id,
                "text": "A",
                "draft_seq": 0,
                "submitted_at": submitted,
                "created_at": submitted,
            }
        )
        batch.evaluations.append(
            {
                "id": uuid.uuid4(),
                "answer_id": answer_id,
                "session_id": session_id,
                "status": "done",
                "score": value,
                "skill_scores": skills,
                "model": "offline-rubric",
                "rubric_version": "v1",
                "attempts": 1,
                "strengths": [],
                "improvements": [],
                "criteria": [],
                "flags": [],
                "prompt_tokens": 0,
                "completion_tokens": 0,
                "created_at": submitted,
                "updated_at": evaluated_at,
                "completed_at": evaluated_at,
            }
        )
    return session_id


async def write(db: async_sessionmaker[AsyncSession], batch: Batch) -> None:
    await insert(db, batch)
