"""Queries on users."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from coach.store.models import User


async def get_user(db: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user with this id, if any."""
    return await db.get(User, user_id)


async def get_user_by_email(db: AsyncSession, email: str) -> User | None:
    """The user with this (normalised) email, if any."""
    result = await db.execute(select(User).where(col(User.email) == email))
    return result.scalar_one_or_none()
