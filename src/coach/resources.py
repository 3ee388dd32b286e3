"""Where the package finds the files it ships beside its code: the web build and the migrations."""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def web_dist() -> Path:
    """The built browser app (static/dist in a checkout)."""
    return _CHECKOUT / "static" / "dist"


def migrations_root() -> Path:
    """The folder holding alembic.ini and the alembic/ scripts."""
    return _CHECKOUT
