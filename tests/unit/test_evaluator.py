"""The offline evaluator: calibration against hand grades, edge cases, determinism and feedback."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import msgspec
import pytest
from bench.calibrate_evaluator import ranks, spearman

import coach
from coach.domain.bank_index import Bank, answer_request
from coach.domain.evaluation import Evaluation
from coach.domain.evaluator import evaluate_answer
from coach.domain.evaluator.text import content_tokens, stem
from coach.domain.questions import AnswerRequest
from coach.llm.bank_loader import load_bank

DATA = Path(__file__).resolve().parent.parent / "data"


def bank() -> Bank:
    return load_bank()


def request(question_id: str, answer: str) -> AnswerRequest:
    return answer_request(bank().by_id(question_id), answer)


def evaluate(question_id: str, answer: str) -> Evaluation:
    return evaluate_answer(request(question_id, answer))


GRADED = tomllib.loads((DATA / "graded_answers.toml").read_text())["answers"]

TWO_SUM_GOOD = (
    "Use a hash map from value to index. For each i compute the complement target - nums[i]; if it is in "
    "the map return both indices, else store nums[i]. Looking up before inserting avoids reusing the same "
    "index and handles duplicates and negative numbers. O(n) time and O(n) space, versus O(n^2) brute force. "
    "I'd test [2,7,11,15] with target 9."
)


def test_spearman_averages_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.9486833)


def test_graded_set_covers_every_kind_and_the_whole_range() -> None:
    kinds = {bank().by_id(row["question_id"]).type for row in GRADED}
    grades = [row["grade"] for row in GRADED]
    assert len(GRADED) >= 60
    assert kinds == {"behavioral", "technical", "coding", "system_design"}
    assert min(grades) == 0
    assert max(grades) >= 9


def test_evaluator_agrees_with_human_grades() -> None:
    human = [float(row["grade"]) for row in GRADED]
    offline = [evaluate(row["question_id"], row["answer"]).score for row in GRADED]
    rho = spearman(human, offline)
    mae = sum(abs(a - b) for a, b in zip(human, offline, strict=True)) / len(human)
    print(f"calibration: n={len(human)} spearman_rho={rho:.3f} mae={mae:.2f}")
    assert rho >= 0.75
    assert mae <= 1.8


@pytest.mark.parametrize(
    ("answer", "flag"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I don't know.", "no_answer"),
        ("No idea, sorry, I have not used hash maps.", "no_answer"),
        ("qwrt zxcvb plkm hjgf dfgsw trewq mnbvcx", "gibberish"),
        ("The best pizza dough rests for a day in the fridge and bakes on a very hot stone.", "off_topic"),
    ],
)
def test_non_answers_score_zero_to_one(answer: str, flag: str) -> None:
    ev = evaluate("code-e-two-sum-01", answer)
    assert ev.score <= 1.0
    assert flag in ev.flags


def test_pasting_the_question_back_scores_low() -> None:
    q = bank().by_id("tech-hash-table-01")
    ev = evaluate(q.id, q.prompt)
    assert ev.score <= 1.0
    assert "echoes_question" in ev.flags


def test_padding_does_not_beat_a_concise_complete_answer() -> None:
    filler = (
        " Basically, at the end of the day, using a hash map is really important. As I said, a hash map is "
        "important. It is important to note that the hash map is important, you know."
    )
    padded = TWO_SUM_GOOD + filler * 3 + " " + TWO_SUM_GOOD
    concise, bloated = evaluate("code-e-two-sum-01", TWO_SUM_GOOD), evaluate("code-e-two-sum-01", padded)
    assert bloated.score < concise.score
    assert "padded" in bloated.flags


def test_better_answers_score_higher() -> None:
    weak = evaluate(
        "code-e-two-sum-01", "Two nested loops over the array, return the pair that sums to target."
    )
    assert weak.score + 2 < evaluate("code-e-two-sum-01", TWO_SUM_GOOD).score


def test_wording_is_tolerated() -> None:
    a = evaluate("code-e-two-sum-01", TWO_SUM_GOOD)
    b = evaluate(
        "code-e-two-sum-01",
        TWO_SUM_GOOD.replace("hash map", "dictionary").replace("O(n) time", "linear time"),
    )
    assert abs(a.score - b.score) <= 0.5


def test_text_normalisation_maps_synonyms_and_suffixes() -> None:
    assert content_tokens("hash map") == content_tokens("hashmap") == content_tokens("dictionary")
    assert content_tokens("O(n)") == content_tokens("linear time")
    assert content_tokens("db") == content_tokens("database")
    assert stem("caching") == stem("cached") == stem("cache")
    assert stem("indexes") == stem("index")


def test_evaluation_is_deterministic() -> None:
    first = evaluate("beh-mistake-01", GRADED[-1]["answer"] + " I told my lead and rolled back.")
    second = evaluate("beh-mistake-01", GRADED[-1]["answer"] + " I told my lead and rolled back.")
    assert msgspec.json.encode(first) == msgspec.json.encode(second)


def test_evaluation_shape() -> None:
    q = bank().by_id("code-e-two-sum-01")
    ev = evaluate(q.id, TWO_SUM_GOOD)
    assert ev.model == "offline-rubric"
    assert 0 <= ev.score <= 10
    assert list(ev.skill_scores) == q.skills
    assert all(0 <= s <= 10 for s in ev.skill_scores.values())
    assert [c.id for c in ev.criteria] == [c.id for c in q.rubric]
    assert 2 <= ev.feedback.count(". ") + 1 <= 3


def test_strengths_and_improvements_name_the_rubric() -> None:
    q = bank().by_id("tech-hash-table-01")
    ev = evaluate(
        q.id,
        "You hash the key with a hash function and take it modulo the number of buckets to get "
        "the bucket index, then check keys for equality. Lookups are O(1) on average.",
    )
    names = [c.name for c in q.rubric]
    assert any(s.startswith("Hashing and bucket mapping") for s in ev.strengths)
    collision = next(i for i in ev.improvements if i.startswith("Collision handling"))
    assert "open addressing" in collision
    assert q.rubric[1].strong.rstrip(".").lower()[:30] in collision.lower()
    assert any(name.lower() in ev.feedback.lower() for name in names)


def test_non_answer_has_no_strengths() -> None:
    ev = evaluate("beh-mistake-01", "I don't know.")
    assert ev.strengths == []
    assert ev.improvements


def test_domain_evaluator_imports_no_infrastructure() -> None:
    root = Path(coach.__file__).parent / "domain"
    banned = ("litestar", "sqlalchemy", "sqlmodel", "redis", "openai")
    for path in [root / "injection.py", *(root / "evaluator").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] in banned], path
