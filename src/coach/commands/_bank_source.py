"""Where a command reads the bank from: the shipped package, or files and folders given with --path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from coach.domain.bank_index import Bank
from coach.llm.bank_loader import BankError, load_bank, load_bank_from

__all__ = ["PATH_OPTION", "bank_files", "read_bank"]

PATH_OPTION = click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=True, path_type=Path),
    help="Bank TOML file, or folder of them (repeatable); default: the shipped bank.",
)


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """The TOML files named, folders expanded to their `*.toml` files in name order."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return files


def read_bank(paths: tuple[Path, ...]) -> Bank:
    """The bank from `paths` (the shipped one when empty); a ClickException when it is invalid."""
    try:
        return load_bank_from(bank_files(paths)) if paths else load_bank()
    except BankError as exc:
        raise click.ClickException(f"the bank is invalid: {exc}") from exc
