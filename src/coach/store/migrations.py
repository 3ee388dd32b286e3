"""Run Alembic migrations from code (the CLI and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(database_url: str) -> Config:
    """Alembic config for the checkout's migrations, pointed at `database_url`."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate up to `revision` (creating the SQLite file's folder if needed)."""
    if database_url.startswith("sqlite") and ":///" in database_url:
        Path(database_url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    """Migrate down to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(database_url), verbose=False)
