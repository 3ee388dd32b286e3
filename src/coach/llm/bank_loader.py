"""Read the curated question bank (the `*.toml` files shipped in `coach.bank`) once per process."""

from __future__ import annotations

import functools
import importlib.resources
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import msgspec

from coach.domain.bank import BankFile, BankQuestion, Family, FamilyFile
from coach.domain.bank_index import Bank

__all__ = ["BANK_PACKAGE", "BankError", "load_bank", "load_bank_from", "load_families"]

BANK_PACKAGE = "coach.bank"


class BankError(Exception):
    """A bank file is unreadable or its questions break a bank rule."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(f"{file}: " + "; ".join(problems))


@functools.cache
def load_bank() -> Bank:
    """The bank from every `*.toml` in the `coach.bank` package; raises BankError if any is invalid."""
    root = importlib.resources.files(BANK_PACKAGE)
    files = sorted(
        (entry for entry in root.iterdir() if entry.name.endswith(".toml") and entry.is_file()),
        key=lambda entry: entry.name,
    )
    return _build((entry.name, entry.read_bytes()) for entry in files)


@functools.cache
def load_families() -> tuple[Family, ...]:
    """The topic family vocabulary (bank/meta/families.toml)."""
    data = importlib.resources.files(BANK_PACKAGE).joinpath("meta", "families.toml").read_bytes()
    return tuple(msgspec.toml.decode(data, type=FamilyFile).families)


def load_bank_from(paths: Iterable[Path]) -> Bank:
    """The bank from these TOML files (for tests and tools); raises BankError like `load_bank`."""
    return _build((str(path), path.read_bytes()) for path in paths)


def _build(sources: Iterable[tuple[str, bytes]]) -> Bank:
    questions: list[BankQuestion] = []
    files_of: dict[str, list[str]] = defaultdict(list)
    for name, data in sources:
        try:
            parsed = msgspec.toml.decode(data, type=BankFile)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise BankError(name, [str(exc)]) from exc
        # Check each file on its own first so the error names the file at fault.
        problems = Bank(parsed.questions).problems()
        if problems:
            raise BankError(name, problems)
        for q in parsed.questions:
            files_of[q.id].append(name)
        questions.extend(parsed.questions)
    if not questions:
        raise BankError(BANK_PACKAGE, ["no questions found"])
    bank = Bank(questions)
    # What is left is cross-file (duplicate ids): name every file that holds the id.
    problems = bank.problems()
    if problems:
        clashing = sorted({name for qid, names in files_of.items() if len(names) > 1 for name in names})
        raise BankError(", ".join(clashing) or BANK_PACKAGE, problems)
    return bank
