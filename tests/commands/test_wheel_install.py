"""A built wheel runs on its own: it carries the migrations and the web build, not the checkout's paths.

The wheel is built from a copy of the sources (with a stand-in web build, so the test needs no npm),
installed with --no-deps into a folder of its own and run from a folder outside the checkout, on
top of the test venv's third-party packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "coach-wheel-install-test"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")

PROBE = """
import json, sys
from pathlib import Path

import coach
from coach import resources
from litestar.testing import TestClient
from coach.app import create_app
from coach.settings import Settings

settings = Settings(database_url=sys.argv[1], secret_key="w" * 40, offline_token_delay=0.0)
with TestClient(create_app(settings, configure_logs=False)) as client:
    page = client.get("/")
web, migrations = resources.web_dist(), resources.migrations_root()
print(json.dumps({
    "package": coach.__file__,
    "web": str(web),
    "migrations": str(migrations),
    "index": (web / "index.html").is_file(),
    "versions": sorted(p.name for p in (migrations / "versions").glob("*.py")),
    "status": page.status_code,
    "page": page.text,
}))
"""


def _source_copy(dest: Path) -> Path:
    """What the wheel is built from: pyproject, README, src/coach, alembic/ and a stand-in static/dist."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", "alembic.ini"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "src" / "coach", dest / "src" / "coach", ignore=IGNORE)
    shutil.copytree(ROOT / "alembic", dest / "alembic", ignore=IGNORE)
    dist = dest / "static" / "dist"
    (dist / "chunks").mkdir(parents=True)
    (dist / "index.html").write_text(f"<!doctype html><title>{MARKER}</title>\n")
    (dist / "chunks" / "app.js").write_text("export {};\n")
    return dest


def _build_wheel(source: Path, out: Path) -> Path:
    uv = Path(sys.executable).with_name("uv")
    if uv.is_file():
        command = [str(uv), "build", "--wheel", "--quiet", "--out-dir", str(out), str(source)]
    else:
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)]
    subprocess.run(command, check=True, cwd=source, timeout=180)
    (wheel,) = out.glob("coach-*.whl")
    return wheel


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_an_installed_wheel_migrates_and_serves_the_web_build(tmp_path: Path) -> None:
    wheel = _build_wheel(_source_copy(tmp_path / "src-copy"), tmp_path / "wheel")
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--no-compile"]
    subprocess.run([*pip, "--target", str(target), str(wheel)], check=True, timeout=120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
    }
    env.pop("COACH_ENV", None)

    upgrade = subprocess.run(
        [sys.executable, "-m", "coach", "db", "upgrade"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert "migrated from an empty database to " in upgrade.stdout
    assert "(head)" in upgrade.stdout

    probe = subprocess.run(
        [sys.executable, "-c", PROBE, env["DATABASE_URL"]],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stdout + probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    package = Path(found["package"]).parent
    assert package == target / "coach", "the wheel's copy must be the one imported, not the checkout's"
    assert Path(found["web"]) == package / "web"
    assert Path(found["migrations"]) == package / "migrations"
    assert found["index"]
    assert found["versions"] == sorted(p.name for p in (ROOT / "alembic" / "versions").glob("*.py"))
    assert found["status"] == 200
    assert MARKER in found["page"]
