"""Bulk inserts for demo and benchmark data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel


async def insert_rows(db: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """One multi-row INSERT (executemany) of plain dicts into `model`'s table."""
    if rows:
        await db.execute(insert(model), rows)
