"""Realistic practice history for demos and benchmarks: users, sessions, questions, answers, evaluations."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.domain.analytics import SKILL_TYPES, ScoredAnswer
from coach.domain.analytics import totals as t
from coach.domain.kinds import DIFFICULTIES, QUESTION_TYPES, SESSION_TYPES
from coach.services.unit_of_work import Transactions
from coach.store import analytics as analytics_store
from coach.store import demo as demo_rows
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion, InterviewSession, User

TECHNICAL_SKILLS = ("concurrency", "databases", "networking", "operating_systems", "testing", "security")
SKILLS: dict[str, tuple[str, ...]] = {
    kind: tuple(sorted(s for s, t in SKILL_TYPES.items() if t == kind)) for kind in QUESTION_TYPES
}
SKILLS["technical"] = TECHNICAL_SKILLS
ROLES = ("backend engineer", "frontend engineer", "data engineer", "site reliability engineer")


@dataclass
class Batch:
    """Rows for one or more users, inserted table by table in foreign-key order."""

    users: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)


def user_history(
    rng: random.Random,
    *,
    now: datetime,
    password_hash: str,
    sessions: int,
    answers_per_session: tuple[int, int] = (3, 6),
    weeks: int = 8,
    email: str | None = None,
) -> Batch:
    """One user's sessions over the past `weeks`, scores drifting upward as they practise."""
    user_id = uuid.uuid4()
    batch = Batch()
    batch.users.append(
        {
            "id": user_id,
            "email": email or f"demo-{user_id.hex[:12]}@example.com",
            "name": f"Demo {user_id.hex[:6]}",
            "password_hash": password_hash,
            "role": "candidate",
            "target_role": rng.choice(ROLES),
            "preferred_types": [],
            "created_at": now - timedelta(weeks=weeks, days=1),
            "updated_at": now,
        }
    )
    base = rng.uniform(3.5, 6.5)
    starts = sorted(now - timedelta(seconds=rng.uniform(600, weeks * 7 * 86400)) for _ in range(sessions))
    for order, created in enumerate(starts):
        progress = order / max(1, sessions - 1)
        kind = rng.choice(SESSION_TYPES)
        session_id = uuid.uuid4()
        count = rng.randint(*answers_per_session)
        scores: list[float] = []
        for position in range(count):
            qkind = rng.choice(QUESTION_TYPES) if kind == "mixed" else kind
            skills = rng.sample(SKILLS[qkind], k=min(2, len(SKILLS[qkind])))
            question_id, answer_id = uuid.uuid4(), uuid.uuid4()
            submitted = created + timedelta(minutes=4 * position + rng.uniform(1, 4))
            score = round(min(10.0, max(0.0, rng.gauss(base + 2.0 * progress, 1.5))), 1)
            scores.append(score)
            batch.questions.append(
                {
                    "id": question_id,
                    "session_id": session_id,
                    "position": position,
                    "kind": qkind,
                    "text": f"Demo {qkind.replace('_', ' ')} question {position + 1}.",
                    "data": {"title": f"Demo {qkind}", "skills": skills},
                    "status": "ready",
                    "created_at": created + timedelta(minutes=4 * position),
                }
            )
            batch.answers.append(
                {
                    "id": answer_id,
                    "session_id": session_id,
                    "question_id": question_id,
                    "text": "A demo answer covering the main trade-offs with an example.",
                    "draft_seq": 0,
                    "submitted_at": submitted,
                    "created_at": submitted - timedelta(minutes=1),
                }
            )
            completed = submitted + timedelta(seconds=rng.uniform(1.5, 9))
            batch.evaluations.append(
                {
                    "id": uuid.uuid4(),
                    "answer_id": answer_id,
                    "session_id": session_id,
                    "rubric_version": "v1",
                    "status": "done",
                    "attempts": 1,
                    "score": score,
                    "feedback": "Demo feedback.",
                    "strengths": ["clear structure"],
                    "improvements": ["quantify the trade-offs"],
                    "skill_scores": {
                        s: round(min(10.0, max(0.0, score + rng.uniform(-1.5, 1.5))), 1) for s in skills
                    },
                    "criteria": [],
                    "flags": [],
                    "model": "offline-rubric",
                    "prompt_tokens": 0,
                    "completion_tokens": 0,
                    "created_at": submitted,
                    "updated_at": completed,
                    "completed_at": completed,
                }
            )
        batch.sessions.append(
            {
                "id": session_id,
                "user_id": user_id,
                "type": kind,
                "difficulty": rng.choice(DIFFICULTIES),
                "role": batch.users[0]["target_role"],
                "language": "python",
                "duration_minutes": 30,
                "status": "completed",
                "plan": {"total": count},
                "position": count - 1,
                "score": round(sum(scores) / len(scores), 1),
                "skill_scores": {},
                "created_at": created,
                "ends_at": created + timedelta(minutes=30),
                "ended_at": created + timedelta(minutes=4 * count + 2),
            }
        )
    return batch


def scored_answers(batch: Batch) -> dict[uuid.UUID, list[ScoredAnswer]]:
    """The batch's done evaluations as each user's scored answers: what the analytics totals count."""
    sessions = {s["id"]: s for s in batch.sessions}
    answers: dict[uuid.UUID, list[ScoredAnswer]] = {}
    for e in batch.evaluations:
        if e.get("status") != "done" or e.get("score") is None or e.get("completed_at") is None:
            continue
        session = sessions[e["session_id"]]
        answers.setdefault(session["user_id"], []).append(
            ScoredAnswer(
                session_id=str(session["id"]),
                session_type=session["type"],
                difficulty=session["difficulty"],
                evaluated_at=e["completed_at"],
                score=float(e["score"]),
                skill_scores={k: float(v) for k, v in (e.get("skill_scores") or {}).items()},
            )
        )
    return answers


async def insert(sessions: async_sessionmaker[AsyncSession], batch: Batch, chunk: int = 2000) -> None:
    """Insert a batch in one transaction, parents before children, and add it to the analytics totals."""
    async with Transactions(sessions)() as tx:
        db = tx.db
        for model, rows in (
            (User, batch.users),
            (InterviewSession, batch.sessions),
            (InterviewQuestion, batch.questions),
            (InterviewAnswer, batch.answers),
            (AnswerEvaluation, batch.evaluations),
        ):
            for part in _chunks(rows, chunk):
                await demo_rows.insert_rows(db, model, part)
        for user_id, answers in scored_answers(batch).items():
            hours, days = t.totals_of(answers)
            for start in range(0, max(len(hours), len(days)), chunk):
                await analytics_store.add_totals(
                    db, user_id, hours[start : start + chunk], days[start : start + chunk]
                )


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def fill(
    sessions: async_sessionmaker[AsyncSession],
    *,
    users: int,
    sessions_per_user: int,
    now: datetime,
    password_hash: str,
    seed: int = 1,
    weeks: int = 8,
    on_user: Callable[[], None] | None = None,
) -> None:
    """`users` demo users with `sessions_per_user` sessions each."""
    rng = random.Random(seed)
    for _ in range(users):
        batch = user_history(
            rng, now=now, password_hash=password_hash, sessions=sessions_per_user, weeks=weeks
        )
        await insert(sessions, batch)
        if on_user is not None:
            on_user()
