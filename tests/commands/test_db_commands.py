"""`coach db upgrade` says what it did: from which revision to which, or that there was nothing to do."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from coach.cli import main


def test_upgrade_reports_the_migration_and_then_that_there_is_nothing_to_do(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert first.exit_code == 0, first.output
    assert "migrated from an empty database to " in first.output
    assert "(head)" in first.output
    again = runner.invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert again.exit_code == 0, again.output
    assert "already at " in again.output
    assert "nothing to do" in again.output


def test_upgrade_creates_the_sqlite_file_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new' / 'folder' / 'coach.db'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "migrated from an empty database to " in result.output
    assert (tmp_path / "new" / "folder" / "coach.db").is_file()
