"""`coach demo-data`: fill the configured database with realistic practice history."""

from __future__ import annotations

import asyncio

import click

from coach.settings import Settings, SettingsError

__all__ = ["demo_data"]

DEMO_PASSWORD = "demo password 1234"  # noqa: S105 - printed for the demo accounts, not a secret


@click.command("demo-data")
@click.option("--users", default=10, show_default=True, help="Demo users to create.")
@click.option("--sessions", default=20, show_default=True, help="Sessions per user (3-6 answers each).")
@click.option("--weeks", default=8, show_default=True, help="Spread the history over this many past weeks.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same history shape).")
def demo_data(users: int, sessions: int, weeks: int, seed: int) -> None:
    """Create demo users with sessions, questions, answers and evaluations (run `coach db upgrade` first)."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    asyncio.run(_fill(settings, users, sessions, weeks, seed))
    click.echo(f"Created {users} demo users (password: {DEMO_PASSWORD!r}).")


async def _fill(settings: Settings, users: int, sessions: int, weeks: int, seed: int) -> None:
    from coach.auth.passwords import PasswordHasher
    from coach.clock import utcnow
    from coach.commands import demo_data as demo
    from coach.store.engine import create_engine, create_session_factory

    engine = create_engine(settings)
    try:
        password_hash = await PasswordHasher(1).hash(DEMO_PASSWORD)
        with click.progressbar(length=users, label="Filling demo history") as bar:
            await demo.fill(
                create_session_factory(engine),
                users=users,
                sessions_per_user=sessions,
                now=utcnow(),
                password_hash=password_hash,
                seed=seed,
                weeks=weeks,
                on_user=lambda: bar.update(1),
            )
    finally:
        await engine.dispose()
