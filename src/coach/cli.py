"""The `coach` command."""

from __future__ import annotations

import click

from coach.commands.admin import create_admin
from coach.commands.bank import bank
from coach.commands.demo import demo_data
from coach.commands.evaluate import evaluate
from coach.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Coach: real-time mock interviews."""


@main.command()
@click.option("--host", default=None, help="Bind address (default: COACH_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: COACH_PORT / PORT or 8000).")
@click.option("--graceful-timeout", default=10, show_default=True, help="Seconds to drain on shutdown.")
def serve(host: str | None, port: int | None, graceful_timeout: int) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    from coach.app import create_app
    from coach.logs import configure_logging
    from coach.serving import uvicorn_options

    overrides: dict[str, object] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    try:
        settings = Settings.from_env(overrides=overrides)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_logging(settings.log_level, settings.json_logs)
    app = create_app(settings, configure_logs=False)
    click.echo(f"Coach on http://{settings.host}:{settings.port}  (API docs: /schema)")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        timeout_graceful_shutdown=graceful_timeout,
        **uvicorn_options(settings),
    )


@main.command()
@click.option("--concurrency", default=1, show_default=True, help="Worker loops in this process.")
def worker(concurrency: int) -> None:
    """Run evaluation workers (set COACH_RUN_WORKER=false on app instances when you run these)."""
    import asyncio

    from coach.logs import configure_logging
    from coach.runtime import Runtime
    from coach.worker_process import run_workers

    settings = _settings()
    configure_logging(settings.log_level, settings.json_logs)
    asyncio.run(run_workers(Runtime.build(settings, serving=False), concurrency))


@main.command()
@click.option("--slots", default=0, type=int, help="Runs at once (default: COACH_SANDBOX_CONCURRENCY).")
def runner(slots: int) -> None:
    """Run candidates' code for the app instances, taking runs from Redis (needs bubblewrap and REDIS_URL)."""
    import asyncio

    from coach.jobs.code_runner import run_runner
    from coach.logs import configure_logging

    settings = _settings()
    configure_logging(settings.log_level, settings.json_logs)
    if not settings.redis_url:
        raise click.UsageError("coach runner takes runs from Redis: set REDIS_URL")
    asyncio.run(run_runner(settings, slots or settings.sandbox_concurrency))


@main.group()
def db() -> None:
    """Database migrations."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate the database up (to head by default), and say from where to where."""
    from sqlalchemy.engine import make_url

    from coach.store import migrations

    url = _settings().database_url
    shown = make_url(url).render_as_string(hide_password=True)
    before = migrations.revision_of(url)
    migrations.upgrade(url, revision)
    after = migrations.revision_of(url)
    if before == after:
        click.echo(f"{shown}: already at {after} ({revision}); nothing to do.")
    else:
        click.echo(f"{shown}: migrated from {before or 'an empty database'} to {after} ({revision}).")


@db.command()
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Migrate the database down (one step by default; `base` for all)."""
    from coach.store import migrations

    migrations.downgrade(_settings().database_url, revision)


@db.command()
def current() -> None:
    """Show the database's revision."""
    from coach.store import migrations

    migrations.current(_settings().database_url)


@main.command("settings")
def show_settings() -> None:
    """Print the configuration table (every setting, its variable and default)."""
    from coach.settings import settings_table

    click.echo(settings_table())


main.add_command(bank)
main.add_command(evaluate)
main.add_command(create_admin)
main.add_command(demo_data)
