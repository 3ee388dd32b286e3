"""`coach evaluate`: score answers with the offline grader, one from stdin or many as JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec

from coach.commands._bank_source import PATH_OPTION, read_bank
from coach.domain.bank_index import Bank, answer_request
from coach.domain.evaluation import Evaluation
from coach.domain.evaluator import Grader
from coach.domain.kinds import LANGUAGES
from coach.embeddings.minilm import shared_embedder

__all__ = ["evaluate"]


class _Line(msgspec.Struct, forbid_unknown_fields=False):
    question_id: str
    text: str
    language: str | None = None


class _Scored(msgspec.Struct):
    question_id: str
    evaluation: Evaluation | None = None
    error: str | None = None


def _score(grader: Grader, bank: Bank, question_id: str, text: str, language: str | None) -> Evaluation:
    question = bank.by_id(question_id)
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    return grader.evaluate(answer_request(question, text, language))


@click.command()
@click.option("--question-id", default=None, help="Bank id of the question answered (one answer on stdin).")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of a coding answer (default: the question's default).",
)
@click.option(
    "--jsonl",
    is_flag=True,
    help='Read {"question_id", "text", "language"?} objects a line from stdin; write one evaluation a line.',
)
@PATH_OPTION
def evaluate(question_id: str | None, language: str | None, jsonl: bool, paths: tuple[Path, ...]) -> None:
    """Evaluate answers against bank questions with the offline grader; print evaluations as JSON."""
    bank = read_bank(paths)
    grader = Grader(bank, shared_embedder())
    if jsonl:
        _evaluate_lines(grader, bank)
        return
    if question_id is None:
        raise click.UsageError("give --question-id ID (one answer on stdin) or --jsonl")
    try:
        bank.by_id(question_id)
    except KeyError:
        raise click.BadParameter(
            f"no question {question_id!r} in the bank (see `coach bank export` for the ids)",
            param_hint="'--question-id'",
        ) from None
    evaluation = _score(grader, bank, question_id, sys.stdin.read(), language)
    click.echo(msgspec.json.format(msgspec.json.encode(evaluation), indent=2).decode())


def _evaluate_lines(grader: Grader, bank: Bank) -> None:
    """One output line per input line, in order; a bad line gets an `error` and the rest go on."""
    decoder = msgspec.json.Decoder(_Line)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            line = decoder.decode(raw)
        except msgspec.DecodeError as exc:
            out.write(msgspec.json.encode(_Scored(question_id="", error=f"bad line: {exc}")).decode() + "\n")
            continue
        try:
            scored = _Scored(
                line.question_id, _score(grader, bank, line.question_id, line.text, line.language)
            )
        except KeyError:
            scored = _Scored(line.question_id, error=f"no question {line.question_id!r} in the bank")
        except ValueError as exc:
            scored = _Scored(line.question_id, error=str(exc))
        out.write(msgspec.json.encode(scored).decode() + "\n")
        out.flush()
