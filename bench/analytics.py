"""Analytics latency at 1,000,000 answers: p50/p95 of each endpoint for a user with 10,000 answers.

    .venv/bin/python -m bench.analytics            # PostgreSQL on 127.0.0.1:5432 (user postgres)

Creates (and drops first) the database `coach_bench_analytics`, fills 990,000 answers of 200 other users
with INSERT … SELECT generate_series, rebuilds the analytics totals from them, adds one user with 10,000 answers through the demo-data
code, then serves the real app on uvicorn and times each endpoint over HTTP next to two
baselines (GET /health, and GET /api/me: auth plus one primary-key query).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

import asyncpg
import httpx

from coach.app import create_app
from coach.auth.passwords import PasswordHasher
from coach.clock import utcnow
from coach.commands import demo_data as demo
from coach.settings import Settings
from coach.store import analytics as analytics_store
from coach.store import migrations
from coach.store.engine import create_engine, create_session_factory
from tests.support.server import ServerThread

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "coach_bench_analytics"
URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB}"
PASSWORD = "bench password 1234"
EMAIL = "bench@example.com"
TYPES = "array['behavioral','technical','coding','system_design','mixed']"

FILL = [
    """INSERT INTO users (id, email, name, password_hash, role, preferred_types, created_at, updated_at)
       SELECT md5('u'||u)::uuid, 'filler'||u||'@example.com', 'Filler '||u, 'x', 'candidate', '[]', now(), now()
       FROM generate_series(0, {users} - 1) u""",
    """INSERT INTO interview_sessions (id, user_id, type, difficulty, role, language, duration_minutes, status,
         plan, position, score, skill_scores, created_at, ends_at, ended_at)
       SELECT md5('s'||i)::uuid, md5('u'||(i % {users}))::uuid, ({types})[1 + i % 5], 'medium', 'backend engineer',
         'python', 30, 'completed', '{{"total": 5}}', 4, 6.0, '{{}}',
         now() - (i % 8000) * interval '10 minutes', now() - (i % 8000) * interval '10 minutes' + interval '30 minutes',
         now() - (i % 8000) * interval '10 minutes' + interval '25 minutes'
       FROM generate_series(1, {sessions}) i""",
    """INSERT INTO interview_questions (id, session_id, position, kind, text, data, status, created_at)
       SELECT md5('q'||i||'-'||p)::uuid, md5('s'||i)::uuid, p, 'technical', 'Filler question', '{{}}', 'ready', now()
       FROM generate_series(1, {sessions}) i, generate_series(0, 4) p""",
    """INSERT INTO interview_answers (id, session_id, question_id, text, draft_seq, submitted_at, created_at)
       SELECT md5('a'||i||'-'||p)::uuid, md5('s'||i)::uuid, md5('q'||i||'-'||p)::uuid, 'Filler answer', 0,
         now() - (i % 8000) * interval '10 minutes', now()
       FROM generate_series(1, {sessions}) i, generate_series(0, 4) p""",
    """INSERT INTO answer_evaluations (id, answer_id, session_id, rubric_version, status, attempts, score, feedback,
         strengths, improvements, skill_scores, criteria, flags, model, prompt_tokens, completion_tokens,
         created_at, updated_at, completed_at)
       SELECT md5('e'||i||'-'||p)::uuid, md5('a'||i||'-'||p)::uuid, md5('s'||i)::uuid, 'v1', 'done', 1,
         (i * 7 + p) % 100 / 10.0, 'Filler feedback', '[]', '[]',
         jsonb_build_object('databases', (i + p) % 10, 'testing', (i * 3 + p) % 10), '[]', '[]', 'offline-rubric',
         0, 0, now(), now(), now() - (i % 8000) * interval '10 minutes' + interval '5 seconds'
       FROM generate_series(1, {sessions}) i, generate_series(0, 4) p""",
]


async def prepare(total_answers: int, user_answers: int) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()
    await asyncio.to_thread(migrations.upgrade, URL)
    sessions = (total_answers - user_answers) // 5
    conn = await asyncpg.connect(URL.replace("+asyncpg", ""))
    started = time.perf_counter()
    for statement in FILL:
        await conn.execute(statement.format(users=200, sessions=sessions, types=TYPES))
    print(f"filled {sessions * 5:,} filler answers in {time.perf_counter() - started:.1f} s")
    engine = create_engine(Settings(database_url=URL))
    factory = create_session_factory(engine)
    started = time.perf_counter()
    async with factory() as db:
        await analytics_store.rebuild_totals(db)
        await db.commit()
    print(f"rebuilt the analytics totals in {time.perf_counter() - started:.1f} s")
    batch = demo.user_history(
        random.Random(7),
        now=utcnow(),
        password_hash=await PasswordHasher(1).hash(PASSWORD),
        sessions=user_answers // 5,
        answers_per_session=(5, 5),
        weeks=26,
        email=EMAIL,
    )
    await demo.insert(factory, batch)  # adds the bench user's answers to the totals too
    await engine.dispose()
    await conn.execute("VACUUM ANALYZE")
    count = await conn.fetchval("SELECT count(*) FROM interview_answers")
    print(f"answers in the database: {count:,}; the bench user has {len(batch.answers):,}")
    await conn.close()


async def measure(base: str, requests: int) -> list[tuple[str, float, float]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        login = await http.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        http.cookies.clear()
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        paths = [
            "/health",
            "/api/me",
            "/api/analytics/summary",
            "/api/analytics/progress?bucket=day",
            "/api/analytics/progress?bucket=week&type=coding",
            "/api/analytics/skills",
            "/api/analytics/recommendations",
        ]
        results = []
        for path in paths:
            for _ in range(5):
                (await http.get(path, headers=headers)).raise_for_status()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await http.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            times.sort()
            results.append((path, statistics.median(times), times[int(0.95 * len(times)) - 1]))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--user-answers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--skip-fill", action="store_true", help="reuse the coach_bench_analytics database as it is"
    )
    args = parser.parse_args()
    if not args.skip_fill:
        asyncio.run(prepare(args.answers, args.user_answers))
    settings = Settings(database_url=URL, run_worker=False, log_level="WARNING", login_rate_limit=1000)
    server = ServerThread(create_app(settings, configure_logs=False)).start()
    try:
        rows = asyncio.run(measure(server.http, args.requests))
    finally:
        server.stop()
    print(f"\n{'endpoint':<52} {'p50 ms':>8} {'p95 ms':>8}")
    for path, p50, p95 in rows:
        print(f"{path:<52} {p50:>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
