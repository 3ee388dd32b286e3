"""analytics aggregates: per-user hourly answer totals and per-user daily skill totals

Revision ID: a7f3c91d2e58
Revises: 5c1d7e2a9b40
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7f3c91d2e58"
down_revision: str | None = "5c1d7e2a9b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Frozen copies of the backfill in coach.store.analytics: a migration must not change with the app.
_BACKFILL = {
    "postgresql": (
        """INSERT INTO user_hourly_stats (user_id, hour, session_type, answers, score_sum)
        SELECT s.user_id, floor(extract(epoch FROM e.completed_at) / 3600)::int, s.type, count(*), sum(e.score)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
        """INSERT INTO user_skill_daily (user_id, skill, day, samples, score_sum)
        SELECT s.user_id, k.key, floor(extract(epoch FROM e.completed_at) / 86400)::int, count(*),
          sum(k.value::float)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id,
          jsonb_each_text(CASE WHEN jsonb_typeof(e.skill_scores) = 'object' THEN e.skill_scores END) k
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
    ),
    "sqlite": (
        """INSERT INTO user_hourly_stats (user_id, hour, session_type, answers, score_sum)
        SELECT s.user_id, CAST(strftime('%s', e.completed_at) AS INTEGER) / 3600, s.type, count(*), sum(e.score)
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
        """INSERT INTO user_skill_daily (user_id, skill, day, samples, score_sum)
        SELECT s.user_id, k.key, CAST(strftime('%s', e.completed_at) AS INTEGER) / 86400, count(*),
          sum(CAST(k.value AS REAL))
        FROM answer_evaluations e JOIN interview_sessions s ON s.id = e.session_id,
          json_each(CASE WHEN json_type(e.skill_scores) = 'object' THEN e.skill_scores END) k
        WHERE e.status = 'done' AND e.score IS NOT NULL AND e.completed_at IS NOT NULL
        GROUP BY 1, 2, 3""",
    ),
}


def upgrade() -> None:
    op.create_table(
        "user_hourly_stats",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("hour", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("session_type", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_hourly_stats_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "hour", "session_type", name="pk_user_hourly_stats"),
    )
    op.create_table(
        "user_skill_daily",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("skill", sa.Text(), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_skill_daily_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "skill", "day", name="pk_user_skill_daily"),
    )
    for statement in _BACKFILL[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("user_skill_daily")
    op.drop_table("user_hourly_stats")
