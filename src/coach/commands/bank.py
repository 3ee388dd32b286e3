"""`coach bank`: validate, summarise and export the question bank."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec

from coach.commands._bank_source import PATH_OPTION, bank_files, read_bank
from coach.commands.bank_rules import bank_wide_problems, family_table
from coach.judge.specs import load_specs
from coach.llm.bank_loader import BankError, load_bank, load_bank_from, load_families

__all__ = ["bank"]


@click.group()
def bank() -> None:
    """The curated question bank."""


@bank.command()
@PATH_OPTION
@click.option(
    "--min-per-cell",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also fail when a type x difficulty x role cell holds fewer questions.",
)
def check(paths: tuple[Path, ...], min_per_cell: int) -> None:
    """Validate the bank: exit 1 listing every problem, or print one OK line with the count."""
    problems: list[str] = []
    files = bank_files(paths)
    # Each file on its own first, so every broken file is reported, not just the first one.
    for file in files:
        try:
            load_bank_from([file])
        except BankError as exc:
            problems.extend(f"{exc.file}: {p}" for p in exc.problems)
    loaded = None
    if not problems:
        try:
            loaded = load_bank_from(files) if paths else load_bank()
        except BankError as exc:
            problems.extend(f"{exc.file}: {p}" for p in exc.problems)
    if loaded is not None and not paths:
        problems.extend(bank_wide_problems(loaded.questions, load_families(), load_specs()))
    if loaded is not None and min_per_cell:
        problems.extend(f"coverage: {gap}" for gap in loaded.coverage_gaps(min_per_cell))
    if problems:
        click.echo(f"The bank has {len(problems)} problem(s):", err=True)
        for line in problems:
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    assert loaded is not None
    source = f"{len(files)} file(s)" if paths else "the shipped bank"
    click.echo(f"OK: {len(loaded)} questions in {source}")


@bank.command()
@PATH_OPTION
def stats(paths: tuple[Path, ...]) -> None:
    """Question counts per type x difficulty (rows) x role track (columns), then per topic family and type."""
    loaded = read_bank(paths)
    click.echo(loaded.stats_table())
    click.echo()
    click.echo(family_table(loaded.questions))


@bank.command()
@PATH_OPTION
@click.option("--indent", default=2, show_default=True, type=click.IntRange(min=0), help="0 for one line.")
def export(paths: tuple[Path, ...], indent: int) -> None:
    """Print the bank as JSON in the bank-file shape ({"questions": [...]})."""
    data = read_bank(paths).to_json()
    if indent:
        data = msgspec.json.format(data, indent=indent)
    click.echo(data.decode())
