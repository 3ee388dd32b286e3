"""evaluation test results: what the judge found when a coding answer's code was run

Revision ID: 3b9e4f1c7a20
Revises: a7f3c91d2e58
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3b9e4f1c7a20"
down_revision: str | None = "a7f3c91d2e58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answer_evaluations") as batch:
        batch.add_column(
            sa.Column(
                "tests",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_evaluations") as batch:
        batch.drop_column("tests")
