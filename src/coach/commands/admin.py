"""`coach create-admin EMAIL`: grant the admin role to an existing account."""

from __future__ import annotations

import asyncio
import uuid

import click

from coach.settings import Settings, SettingsError

__all__ = ["create_admin"]


@click.command("create-admin")
@click.argument("email")
def create_admin(email: str) -> None:
    """Make the account registered with EMAIL an admin."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    user_id = asyncio.run(_grant(settings, email))
    if user_id is None:
        raise click.ClickException(f"No account with email {email!r}; register it first.")
    click.echo(f"{email} is now an admin (user {user_id}).")


async def _grant(settings: Settings, email: str) -> uuid.UUID | None:
    from coach.services.admin import grant_admin
    from coach.services.unit_of_work import Transactions
    from coach.store.engine import create_engine, create_session_factory

    engine = create_engine(settings)
    try:
        async with Transactions(create_session_factory(engine))() as tx:
            return await grant_admin(tx.db, email)
    finally:
        await engine.dispose()
