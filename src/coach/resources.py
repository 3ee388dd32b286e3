"""Where the package finds the files it ships beside its code: the web build and the migrations.

A built wheel carries them inside the package (coach/web/ and coach/migrations/, see pyproject's
[tool.hatch.build.targets.wheel]); a checkout (an editable install) has them at static/dist and alembic/.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]
# Only a wheel puts the migration scripts inside the package; src/coach in a checkout never has them.
_INSTALLED = (_PACKAGE / "migrations" / "env.py").is_file()


def web_dist() -> Path:
    """The built browser app: coach/web when installed from a wheel, static/dist in a checkout."""
    return _PACKAGE / "web" if _INSTALLED else _CHECKOUT / "static" / "dist"


def migrations_root() -> Path:
    """The Alembic script folder (env.py, versions/): coach/migrations when installed, alembic/ in a checkout."""
    return _PACKAGE / "migrations" if _INSTALLED else _CHECKOUT / "alembic"
