"""Run Alembic migrations from code (the CLI and the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from coach.resources import migrations_root


def alembic_config(database_url: str) -> Config:
    """Alembic config for the package's migrations, pointed at `database_url`.

    Built in code, not read from alembic.ini: a wheel ships the scripts but not the ini, which only
    serves the `alembic` CLI in a checkout (revision file names, sys.path).
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_root()))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def _make_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite") and ":///" in database_url:
        Path(database_url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate up to `revision` (creating the SQLite file's folder if needed)."""
    _make_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), revision)


def revision_of(database_url: str) -> str | None:
    """The revision the database is at (None before the first migration)."""
    _make_sqlite_folder(database_url)
    config = alembic_config(database_url)
    script = ScriptDirectory.from_config(config)
    found: list[str | None] = []

    def read(rev: object, context: MigrationContext) -> list[Any]:
        found.append(context.get_current_revision())
        return []

    with EnvironmentContext(config, script, fn=read, dont_mutate=True):
        script.run_env()
    return found[0] if found else None


def downgrade(database_url: str, revision: str = "-1") -> None:
    """Migrate down to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(database_url), verbose=False)
