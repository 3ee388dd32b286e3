"""State columns come back as their StrEnum on both dialects, whether written from the enum or its text."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.domain.states import AccountRole
from coach.store.models import User

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("written", [AccountRole.ADMIN, "admin"])
async def test_a_role_reads_back_as_the_enum(db: async_sessionmaker[AsyncSession], written: str) -> None:
    user_id = uuid.uuid4()
    async with db() as s:
        s.add(
            User(
                id=user_id,
                email=f"state-{user_id.hex[:10]}@example.com",
                name="State Column",
                password_hash="x",
                role=written,  # type: ignore[arg-type]  # plain text must be accepted too
                created_at=T0,
                updated_at=T0,
            )
        )
        await s.commit()
    async with db() as s:
        user = await s.get(User, user_id)
        stored = (
            await s.execute(
                text("SELECT role FROM users WHERE email = :e"), {"e": user.email if user else ""}
            )
        ).scalar_one()
    assert user is not None
    assert user.role is AccountRole.ADMIN
    assert stored == "admin"  # the column holds the plain text, so old rows and SQL reports read as before


async def test_an_unknown_state_in_the_table_is_an_error_not_a_silent_string(
    db: async_sessionmaker[AsyncSession],
) -> None:
    user_id = uuid.uuid4()
    async with db() as s:
        await s.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, preferred_types, created_at, updated_at)"
                " VALUES (:id, :email, 'X', 'x', 'superuser', '[]', :t, :t)"
            ),
            {
                "id": user_id.hex if s.get_bind().dialect.name == "sqlite" else str(user_id),
                "email": f"bad-{user_id.hex[:8]}@example.com",
                "t": T0.replace(tzinfo=None),
            },
        )
        await s.commit()
    async with db() as s:
        with pytest.raises(ValueError, match="superuser"):
            await s.get(User, user_id)
