"""`coach evaluate`: score an answer read from stdin with the offline rubric evaluator."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec

from coach.commands._bank_source import PATH_OPTION, read_bank
from coach.domain.bank_index import answer_request
from coach.domain.evaluator import evaluate_answer
from coach.domain.kinds import LANGUAGES

__all__ = ["evaluate"]


@click.command()
@click.option("--question-id", required=True, help="Bank id of the question answered.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of a coding answer (default: the question's default).",
)
@PATH_OPTION
def evaluate(question_id: str, language: str | None, paths: tuple[Path, ...]) -> None:
    """Evaluate the answer on stdin against a bank question; print the evaluation as JSON."""
    bank = read_bank(paths)
    try:
        question = bank.by_id(question_id)
    except KeyError:
        raise click.BadParameter(
            f"no question {question_id!r} in the bank (see `coach bank export` for the ids)",
            param_hint="'--question-id'",
        ) from None
    answer = sys.stdin.read()
    evaluation = evaluate_answer(answer_request(question, answer, language))
    click.echo(msgspec.json.format(msgspec.json.encode(evaluation), indent=2).decode())
