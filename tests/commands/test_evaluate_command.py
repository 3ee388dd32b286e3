"""`coach evaluate`: the service's offline evaluation of an answer on stdin, as JSON."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from coach.cli import main
from coach.domain.bank import BankQuestion
from coach.llm.bank_loader import load_bank


def first(kind: str) -> BankQuestion:
    return next(q for q in load_bank().questions if q.type == kind)


def run(args: list[str], answer: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["evaluate", *args], input=answer)
    return result.exit_code, result.stdout, result.stderr


def evaluation(question_id: str, answer: str, *extra: str) -> dict[str, Any]:
    code, out, err = run(["--question-id", question_id, *extra], answer)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_a_good_answer_scores_higher_than_an_empty_one() -> None:
    question = first("technical")
    good = evaluation(question.id, question.model_answer)
    empty = evaluation(question.id, "")
    assert good["score"] > empty["score"]
    assert good["model"] == "offline-claims"
    assert {c["id"] for c in good["criteria"]} == {c.id for c in question.rubric}


def test_coding_answers_accept_a_language() -> None:
    question = first("coding")
    data = evaluation(question.id, question.solution_notes, "--language", "go")
    assert 0.0 <= data["score"] <= 10.0


def test_unknown_question_id_exits_2_with_a_clear_message() -> None:
    code, out, err = run(["--question-id", "no-such-question"], "an answer")
    assert code == 2
    assert out == ""
    assert "no question 'no-such-question' in the bank" in err


def test_unknown_language_is_a_usage_error() -> None:
    code, _, err = run(["--question-id", first("coding").id, "--language", "cobol"], "x")
    assert code == 2
    assert "--language" in err


def test_jsonl_scores_one_line_per_answer_in_order_and_reports_bad_lines() -> None:
    bank = load_bank()
    tech, code = first("technical"), first("coding")
    lines = [
        json.dumps({"question_id": tech.id, "text": tech.model_answer}),
        json.dumps({"question_id": tech.id, "text": ", ".join(k for c in tech.rubric for k in c.key_points)}),
        json.dumps({"question_id": code.id, "text": "def f(): pass", "language": "python"}),
        json.dumps({"question_id": "no-such-question", "text": "x"}),
        "not json",
        json.dumps({"question_id": code.id, "text": "x", "language": "cobol"}),
    ]
    status, out, err = run(["--jsonl"], "\n".join(lines) + "\n")
    assert status == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question_id"] for r in rows] == [tech.id, tech.id, code.id, "no-such-question", "", code.id]
    model, keywords = rows[0]["evaluation"], rows[1]["evaluation"]
    assert model["score"] > keywords["score"]
    assert "list_of_terms" in keywords["flags"]
    assert rows[2]["evaluation"]["criteria"]
    assert "no question" in rows[3]["error"]
    assert rows[4]["error"].startswith("bad line")
    assert "unknown language" in rows[5]["error"]
    assert len(bank.by_id(tech.id).rubric) == len(model["criteria"])


def test_without_a_question_or_jsonl_it_is_a_usage_error() -> None:
    status, _, err = run([], "an answer")
    assert status == 2
    assert "--jsonl" in err
