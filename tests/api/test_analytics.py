"""GET /api/analytics/*: numbers from a known history, and only the caller's own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.commands.demo_data import Batch
from coach.store import analytics as analytics_store
from tests.support.factories import Account, register
from tests.support.history import add_session, write

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def ada(
    app: Litestar, client: AsyncTestClient[Litestar], db: async_sessionmaker[AsyncSession]
) -> Account:
    """Ada has 5 evaluated answers over Mon-Wed; Bob's (much better) answers must never count for her."""
    app.state.runtime.clock.pin(NOW)
    ada = await register(client, "Ada Candidate")
    bob = await register(client, "Bob Other")
    batch = Batch()
    ada_id, bob_id = uuid.UUID(ada.user["id"]), uuid.UUID(bob.user["id"])
    add_session(
        batch, ada_id, type="technical", created=at(9, 10, 0), status="completed", score=6.0,
        answers=[
            (at(9, 10, 5), 5.0, {"databases": 5, "testing": 4}),
            (at(9, 10, 10), 7.0, {"databases": 7, "testing": 6}),
        ],
    )  # fmt: skip
    add_session(
        batch, ada_id, type="coding", created=at(10, 10, 0), status="completed", score=8.0,
        answers=[(at(10, 10, 5), 8.0, {"algorithms": 8}), (at(10, 10, 10), 8.0, {"algorithms": 9, "databases": 9})],
    )  # fmt: skip
    add_session(
        batch, ada_id, type="technical", created=at(11, 9, 0), status="active", score=None,
        answers=[(at(11, 9, 5), 4.0, {"testing": 2})],
    )  # fmt: skip
    add_session(
        batch, bob_id, type="technical", created=at(11, 8, 0), status="completed", score=10.0,
        answers=[(at(11, 8, 5), 10.0, {"databases": 10, "testing": 10, "algorithms": 10})],
    )  # fmt: skip
    await write(db, batch)
    return ada


async def get(client: AsyncTestClient[Litestar], who: Account, path: str) -> object:
    response = await client.get(f"/api/analytics/{path}", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.mark.usefixtures("backend")
async def test_summary_counts_only_my_answers(client: AsyncTestClient[Litestar], ada: Account) -> None:
    assert await get(client, ada, "summary") == {
        "sessions_completed": 2,
        "questions_answered": 5,
        "average_score": 6.4,
        "best_score": 8.0,
        "streak_days": 3,
        "strongest_skills": [{"skill": "databases", "average": 7.0, "samples": 3}],
        "weakest_skills": [{"skill": "testing", "average": 4.0, "samples": 3}],
    }


@pytest.mark.usefixtures("backend")
async def test_progress_by_day_week_type_and_timezone(
    client: AsyncTestClient[Litestar], ada: Account
) -> None:
    by_day = await get(client, ada, "progress?bucket=day")
    assert by_day == {
        "bucket": "day",
        "series": [
            {
                "type": "all",
                "points": [
                    {"bucket": "2026-03-09", "average_score": 6.0, "count": 2},
                    {"bucket": "2026-03-10", "average_score": 8.0, "count": 2},
                    {"bucket": "2026-03-11", "average_score": 4.0, "count": 1},
                ],
            },
            {"type": "coding", "points": [{"bucket": "2026-03-10", "average_score": 8.0, "count": 2}]},
            {
                "type": "technical",
                "points": [
                    {"bucket": "2026-03-09", "average_score": 6.0, "count": 2},
                    {"bucket": "2026-03-11", "average_score": 4.0, "count": 1},
                ],
            },
        ],
    }
    week = await get(client, ada, "progress?bucket=week&type=technical")
    assert week == {
        "bucket": "week",
        "series": [
            {"type": "technical", "points": [{"bucket": "2026-03-09", "average_score": 5.3, "count": 3}]}
        ],
    }
    # Eleven hours west of UTC, every answer falls on the previous local day.
    west = await get(client, ada, "progress?bucket=day&tz=-660")
    assert isinstance(west, dict)
    assert [p["bucket"] for p in west["series"][0]["points"]] == ["2026-03-08", "2026-03-09", "2026-03-10"]


@pytest.mark.usefixtures("backend")
async def test_skills_and_recommendations(client: AsyncTestClient[Litestar], ada: Account) -> None:
    assert await get(client, ada, "skills") == [
        {"skill": "algorithms", "average": 8.5, "samples": 2, "trend": 0.0, "enough_data": False},
        {"skill": "databases", "average": 7.0, "samples": 3, "trend": 0.0, "enough_data": True},
        {"skill": "testing", "average": 4.0, "samples": 3, "trend": 0.0, "enough_data": True},
    ]
    recommendations = await get(client, ada, "recommendations")
    assert isinstance(recommendations, list)
    assert [(r["skill"], r["session"]["type"], r["session"]["difficulty"]) for r in recommendations] == [
        ("testing", "technical", "medium"),
        ("databases", "technical", "hard"),
    ]


async def test_a_new_user_sees_empty_analytics(client: AsyncTestClient[Litestar], backend: str) -> None:
    newcomer = await register(client, "Nia New")
    summary = await get(client, newcomer, "summary")
    assert isinstance(summary, dict)
    assert summary["questions_answered"] == 0
    assert summary["average_score"] is None
    assert await get(client, newcomer, "skills") == []
    assert await get(client, newcomer, "progress") == {"bucket": "day", "series": []}
    recommendations = await get(client, newcomer, "recommendations")
    assert isinstance(recommendations, list)
    (only,) = recommendations
    assert only["skill"] is None
    assert only["session"]["type"] == "mixed"


async def test_analytics_need_login_and_valid_parameters(
    client: AsyncTestClient[Litestar], backend: str
) -> None:
    assert (await client.get("/api/analytics/summary")).status_code == 401
    someone = await register(client, "Sam Params")
    for query in ("progress?bucket=month", "progress?type=nope", "summary?tz=100000"):
        response = await client.get(f"/api/analytics/{query}", headers=someone.headers)
        assert response.status_code == 400, query
        assert response.json()["error"] == "invalid_input"


ENDPOINTS = (
    "summary",
    "summary?tz=-660",
    "progress?bucket=day",
    "progress?bucket=week&type=technical",
    "progress?bucket=day&tz=330",
    "skills",
    "recommendations",
)


@pytest.mark.usefixtures("backend")
async def test_rebuilt_totals_answer_the_same(
    client: AsyncTestClient[Litestar], ada: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    """The backfill (one INSERT … SELECT per table, as in the migration) agrees with the incremental totals."""
    before = [await get(client, ada, path) for path in ENDPOINTS]
    async with db() as session:
        await analytics_store.rebuild_totals(session)
        await session.commit()
    assert [await get(client, ada, path) for path in ENDPOINTS] == before


@pytest.mark.usefixtures("backend")
async def test_a_stored_evaluation_updates_the_totals(
    client: AsyncTestClient[Litestar], ada: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    """What the worker adds when it stores an evaluation shows in every report at once."""
    async with db() as session:
        await analytics_store.add_evaluation(
            session, uuid.UUID(ada.user["id"]), "coding", at(11, 11, 0), 9.0, {"algorithms": 10, "testing": 9}
        )
        await session.commit()
    summary = await get(client, ada, "summary")
    assert isinstance(summary, dict)
    assert (summary["questions_answered"], summary["average_score"]) == (6, 6.8)
    # algorithms now has three samples (8, 9, 10) and ranks first; testing (4, 6, 2, 9) averages 5.25, shown 5.2.
    assert summary["strongest_skills"] == [
        {"skill": "algorithms", "average": 9.0, "samples": 3},
        {"skill": "databases", "average": 7.0, "samples": 3},
    ]
    assert summary["weakest_skills"] == [{"skill": "testing", "average": 5.2, "samples": 4}]
    by_day = await get(client, ada, "progress?bucket=day&type=coding")
    assert by_day == {
        "bucket": "day",
        "series": [
            {
                "type": "coding",
                "points": [
                    {"bucket": "2026-03-10", "average_score": 8.0, "count": 2},
                    {"bucket": "2026-03-11", "average_score": 9.0, "count": 1},
                ],
            }
        ],
    }
    skills = await get(client, ada, "skills")
    assert isinstance(skills, list)
    # testing by day: 4, 6 (9 March), 2 and 9 (11 March): (2 + 9) / 2 - (4 + 6) / 2 = 0.5.
    assert {s["skill"]: (s["samples"], s["trend"]) for s in skills}["testing"] == (4, 0.5)


async def _evaluated_answer(client: AsyncTestClient[Litestar], who: Account) -> dict[str, Any]:
    """Answer the first question of a new technical session over REST; the in-process worker scores it."""
    body = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend engineer"}
    created = await client.post("/api/sessions", json=body, headers=who.headers)
    assert created.status_code == 201, created.text
    sid = created.json()["data"]["session"]["id"]
    path = f"/api/sessions/{sid}"
    for _ in range(200):
        state = (await client.get(path, headers=who.headers)).json()["data"]
        if state["current_question_id"]:
            break
        await asyncio.sleep(0.05)
    answer = {
        "question_id": state["current_question_id"],
        "text": "Threads share memory.",
        "idempotency_key": "k",
    }
    assert (await client.post(f"{path}/answers", json=answer, headers=who.headers)).status_code == 201
    for _ in range(200):
        evaluation: dict[str, Any] = (await client.get(path, headers=who.headers)).json()["data"][
            "questions"
        ][0]["evaluation"]
        if evaluation["status"] == "done":
            return evaluation
        await asyncio.sleep(0.05)
    raise AssertionError("the answer was not evaluated")


async def test_the_worker_counts_an_evaluation_as_it_stores_it(
    client: AsyncTestClient[Litestar], backend: str
) -> None:
    someone = await register(client, "Wes Worker")
    evaluation = await _evaluated_answer(client, someone)
    summary = await get(client, someone, "summary")
    assert isinstance(summary, dict)
    assert (summary["questions_answered"], summary["average_score"]) == (1, round(evaluation["score"], 1))
    skills = await get(client, someone, "skills")
    assert isinstance(skills, list)
    assert {s["skill"]: s["samples"] for s in skills} == dict.fromkeys(evaluation["skill_scores"], 1)
    progress = await get(client, someone, "progress")
    assert isinstance(progress, dict)
    assert [s["type"] for s in progress["series"]] == ["all", "technical"]


async def test_a_streak_longer_than_the_first_window_reads_the_whole_history(
    app: Litestar, client: AsyncTestClient[Litestar], db: async_sessionmaker[AsyncSession], backend: str
) -> None:
    app.state.runtime.clock.pin(NOW)
    keen = await register(client, "Kim Keen")
    batch = Batch()
    for back in range(20):  # one answer a day at 23:30 UTC, for the 20 days up to yesterday
        day = datetime(2026, 3, 10, 23, 30, tzinfo=UTC) - timedelta(days=back)
        add_session(
            batch, uuid.UUID(keen.user["id"]), type="coding", created=day, status="completed", score=5.0,
            answers=[(day + timedelta(minutes=5), 5.0, {"graphs": 5})],
        )  # fmt: skip
    await write(db, batch)
    summary = await get(client, keen, "summary")
    assert isinstance(summary, dict)
    assert summary["streak_days"] == 20
    # Two hours east every day moves to the next local day: the same 20 days, now ending today.
    east = await get(client, keen, "summary?tz=120")
    assert isinstance(east, dict)
    assert east["streak_days"] == 20
