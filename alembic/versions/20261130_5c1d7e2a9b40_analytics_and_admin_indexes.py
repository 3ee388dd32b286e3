"""analytics and admin indexes

Revision ID: 5c1d7e2a9b40
Revises: 98bbac448228
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c1d7e2a9b40"
down_revision: str | None = "98bbac448228"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Admin "today" numbers: evaluations by status and completion time, sessions by creation time.
    with op.batch_alter_table("answer_evaluations") as batch:
        batch.create_index("ix_answer_evaluations_status_completed", ["status", "completed_at"])
    with op.batch_alter_table("interview_sessions") as batch:
        batch.create_index("ix_interview_sessions_created", ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("interview_sessions") as batch:
        batch.drop_index("ix_interview_sessions_created")
    with op.batch_alter_table("answer_evaluations") as batch:
        batch.drop_index("ix_answer_evaluations_status_completed")
