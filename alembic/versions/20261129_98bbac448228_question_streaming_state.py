"""question streaming state

Revision ID: 98bbac448228
Revises: 8743be362960
Create Date: 2026-11-29 19:24:01.905822
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "98bbac448228"
down_revision: str | None = "8743be362960"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interview_questions") as batch:
        batch.add_column(sa.Column("status", sa.String(length=20), server_default="ready", nullable=False))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_questions") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("status")
