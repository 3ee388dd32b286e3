"""`coach bank check|stats|export` and `coach evaluate`, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.domain.bank import BankFile
from coach.domain.kinds import DIFFICULTIES, QUESTION_TYPES, ROLES
from coach.llm.bank_loader import load_bank

BROKEN_ID = "broken-weights-1"


def bank_toml(question_id: str, *, weights: tuple[float, float, float]) -> str:
    """A one-question bank file whose rubric weights are `weights`."""
    criteria = "\n".join(
        f"""
[[questions.rubric]]
id = "c{i}"
name = "Criterion {i}"
weight = {w}
key_points = ["point {i}", "reason {i}"]
claims = ["In {question_id}, part {i} works like this.", "In {question_id}, part {i} holds because of that."]
skills = ["caching"]
weak = "weak"
fair = "fair"
strong = "strong"
"""
        for i, w in enumerate(weights)
    )
    return f"""
[[questions]]
id = "{question_id}"
type = "technical"
difficulty = "easy"
roles = ["backend"]
skills = ["caching"]
title = "Caching basics"
prompt = "When would you add a cache in front of a database?"
model_answer = "Read-heavy data, TTL and invalidation."
follow_ups = ["How do you invalidate it?", "What about stampedes?"]
misconceptions = [
  {{ claim = "A cache never serves stale data.", correction = "Every cache can; TTLs bound how stale." }},
  {{ claim = "A cache always makes reads faster.", correction = "A miss costs an extra round trip." }},
]
{criteria}
[[questions.follow_up_rubrics]]
question = "How do you invalidate it?"
claims = ["Delete the key on write.", "Let a TTL expire it."]
key_points = ["delete on write", "TTL expiry"]

[[questions.follow_up_rubrics]]
question = "What about stampedes?"
claims = ["One request refills, others wait.", "Jitter the TTLs."]
key_points = ["single flight", "jittered TTLs"]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.toml"
    path.write_text(bank_toml("good-1", weights=(0.4, 0.3, 0.3)))
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(bank_toml(BROKEN_ID, weights=(0.5, 0.5, 0.5)))
    return path


def test_check_passes_on_the_shipped_bank_with_the_count(runner: CliRunner) -> None:
    result = runner.invoke(main, ["bank", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"OK: {len(load_bank())} questions in the shipped bank"


def test_check_fails_naming_the_file_question_and_problem(runner: CliRunner, broken_file: Path) -> None:
    result = runner.invoke(main, ["bank", "check", "--path", str(broken_file)])
    assert result.exit_code == 1
    assert "OK" not in result.stdout
    assert f"{broken_file}: {BROKEN_ID}: rubric weights sum to 1.500, not 1" in result.stderr


def test_check_reports_every_broken_file_not_just_the_first(
    runner: CliRunner, tmp_path: Path, broken_file: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text(bank_toml("broken-2", weights=(0.1, 0.1, 0.1)))
    result = runner.invoke(main, ["bank", "check", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert BROKEN_ID in result.stderr
    assert "broken-2" in result.stderr


def test_check_reports_ids_duplicated_across_files(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(bank_toml("same-id", weights=(0.4, 0.3, 0.3)))
    result = runner.invoke(main, ["bank", "check", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert "same-id: duplicate id (2 questions)" in result.stderr


def test_check_reports_an_unparsable_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[questions]]\nid = 3\n")
    result = runner.invoke(main, ["bank", "check", "--path", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.stderr


def test_check_counts_questions_of_the_given_files(runner: CliRunner, good_file: Path) -> None:
    result = runner.invoke(main, ["bank", "check", "--path", str(good_file)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 1 questions in 1 file(s)"


def test_check_min_per_cell_fails_on_thin_coverage(runner: CliRunner, good_file: Path) -> None:
    result = runner.invoke(main, ["bank", "check", "--path", str(good_file), "--min-per-cell", "1"])
    assert result.exit_code == 1
    assert "coverage: technical/easy/frontend: 0 < 1" in result.stderr
    assert "technical/easy/backend" not in result.stderr


def test_stats_lists_every_type_difficulty_cell_and_every_role(runner: CliRunner) -> None:
    result = runner.invoke(main, ["bank", "stats"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(role in lines[0] for role in ROLES)
    for t in QUESTION_TYPES:
        for d in DIFFICULTIES:
            assert any(line.split()[:2] == [t, d] for line in lines), f"no row for {t}/{d}"
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[-1] == str(len(load_bank()))


def test_stats_counts_live_questions_per_topic_family(runner: CliRunner) -> None:
    result = runner.invoke(main, ["bank", "stats"])
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("family"))
    rows = {line.split()[0]: line.split()[1:] for line in lines[start + 2 :]}
    live = [q for q in load_bank().questions if not q.retired]
    assert sum(int(r[-1]) for r in rows.values()) == len(live)
    assert int(rows["rate-limiting"][-1]) == sum(1 for q in live if q.family == "rate-limiting") >= 3


def test_stats_counts_a_given_file(runner: CliRunner, good_file: Path) -> None:
    result = runner.invoke(main, ["bank", "stats", "--path", str(good_file)])
    row = next(line for line in result.output.splitlines() if line.split()[:2] == ["technical", "easy"])
    # backend, frontend, data_ml, devops_sre, distinct questions
    assert row.split()[2:] == ["1", "0", "0", "0", "1"]


def test_export_round_trips_into_a_bank_file(runner: CliRunner) -> None:
    result = runner.invoke(main, ["bank", "export"])
    assert result.exit_code == 0, result.output
    exported = msgspec.json.decode(result.output, type=BankFile)
    assert tuple(exported.questions) == load_bank().questions


def test_export_on_one_line_with_indent_zero(runner: CliRunner, good_file: Path) -> None:
    result = runner.invoke(main, ["bank", "export", "--path", str(good_file), "--indent", "0"])
    assert result.output.count("\n") == 1
    assert [q["id"] for q in json.loads(result.output)["questions"]] == ["good-1"]


def test_stats_on_a_broken_bank_fails_cleanly(runner: CliRunner, broken_file: Path) -> None:
    result = runner.invoke(main, ["bank", "stats", "--path", str(broken_file)])
    assert result.exit_code == 1
    assert "the bank is invalid" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
