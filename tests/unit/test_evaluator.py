"""The offline grader: each guard, evidence-based feedback, skills, follow-ups and calibration."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import msgspec
import pytest
from bench.calibrate_grader import ranks, spearman

from coach.domain.bank_index import answer_request, question_text
from coach.domain.evaluator.units import split_units
from coach.domain.followups import follow_up_meta
from coach.domain.questions import AnswerRequest
from coach.llm.bank_loader import load_bank
from tests.support.grading import analyse, evaluate, grader

DATA = Path(__file__).resolve().parent.parent / "data"
GRADED = tomllib.loads((DATA / "graded_answers.toml").read_text())["answers"]
CORPUS = [json.loads(line) for line in (DATA / "corpus" / "answers.jsonl").read_text().splitlines() if line]

HASH_EXPERT = (
    "You run the key through a hash function and use hash mod the number of buckets as the slot. "
    "To look a key up you go to its slot and compare the keys stored there, because two different keys "
    "can end up in the same slot. That collision is handled by chaining, where each slot keeps a small "
    "list of entries, or by open addressing, where you probe the next free slot. The table counts "
    "entries per bucket and when that load factor passes about 0.75 it doubles and rehashes everything, "
    "which costs O(n) once but is amortised O(1) per insert. So lookups are O(1) on average, but if an "
    "attacker sends keys that all collide, a lookup walks one long chain and becomes O(n), which is why "
    "languages randomise their string hashing."
)
HASH_MID = (
    "A hash table uses a hash function to turn the key into a number and picks a slot in an array with "
    "it, which is why lookups are usually O(1). If two keys collide you store both in a list in that slot."
)


def test_spearman_averages_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


# -- the guards ------------------------------------------------------------------


@pytest.mark.parametrize("articles", [False, True])
def test_a_list_of_the_rubric_phrases_earns_nothing_and_says_why(articles: bool) -> None:
    q = load_bank().by_id("tech-hash-table-01")
    terms = [k for c in q.rubric for k in c.key_points]
    answer = ", ".join(f"the {t}" if articles else t for t in terms)
    ev = evaluate(q.id, answer)
    assert ev.score <= 2.0
    assert "list_of_terms" in ev.flags
    assert "list of terms" in ev.feedback
    assert ev.score < evaluate(q.id, HASH_MID).score


def test_terms_do_not_count_but_a_sentence_with_them_does() -> None:
    units, _ = split_units("Separate chaining, open addressing, load factor, rehashing.")
    assert units[0].list_like
    assert units[0].weight < 0.5
    units, _ = split_units("When two keys collide, chaining keeps a list per bucket.")
    assert not units[0].list_like
    assert units[0].weight == 1.0


def test_the_question_pasted_back_scores_low() -> None:
    q = load_bank().by_id("tech-hash-table-01")
    ev = evaluate(q.id, question_text(q))
    assert ev.score <= 1.0
    assert "echoes_question" in ev.flags


def test_another_questions_answer_is_capped_and_named() -> None:
    other = load_bank().by_id("tech-http-idempotency-01")
    ev = evaluate("tech-hash-table-01", other.model_answer)
    assert ev.score <= 2.0
    assert "other_question" in ev.flags
    assert other.title in ev.feedback


def test_an_answer_in_plain_words_scores_high_with_quotes_of_what_earned_it() -> None:
    ev = evaluate("tech-hash-table-01", HASH_EXPERT)
    assert ev.score >= 7.0
    assert ev.strengths
    assert all("“" in s for s in ev.strengths)
    assert any(quote_from(s) in HASH_EXPERT for s in ev.strengths)


def quote_from(strength: str) -> str:
    return strength.split("“", 1)[1].split("”", 1)[0].rstrip(" …")


def test_expert_beats_mid_beats_weak() -> None:
    weak = evaluate("tech-hash-table-01", "It's like a dictionary, you put a key in and get it back fast.")
    mid = evaluate("tech-hash-table-01", HASH_MID)
    expert = evaluate("tech-hash-table-01", HASH_EXPERT)
    assert weak.score < mid.score < expert.score


def test_a_misconception_costs_points_and_is_corrected() -> None:
    wrong = HASH_MID + " Lookups in a hash table are always O(1), even in the worst case."
    honest = evaluate("tech-hash-table-01", HASH_MID)
    ev = evaluate("tech-hash-table-01", wrong)
    assert "misconception" in ev.flags
    assert ev.score < honest.score
    correction = next(m.correction for m in load_bank().by_id("tech-hash-table-01").misconceptions)
    assert any("You said “" in i and correction[5:40] in i for i in ev.improvements)


def test_saying_the_opposite_of_a_claim_does_not_earn_it() -> None:
    a = analyse("tech-hash-table-01", "Two different keys can never share a bucket, so no keys are compared.")
    mechanism = next(r for r in a.criteria if r.criterion.id == "mechanism")
    equality = mechanism.evidence[1]
    assert equality.support < 0.5


def test_padding_and_repetition_cost_points() -> None:
    filler = (
        " That's a great question. Basically, to sum up, as I said, a hash table maps keys to values. "
        "Honestly, at the end of the day a hash table is really, really important."
    )
    padded = evaluate("tech-hash-table-01", HASH_MID + filler + " " + HASH_MID)
    assert padded.score < evaluate("tech-hash-table-01", HASH_MID).score
    assert "padded" in padded.flags


def test_talk_about_the_answer_is_padding_however_it_is_worded() -> None:
    signposts = (
        "Hash tables are a really fundamental data structure. Let me walk you through how it stores a key. "
        + HASH_MID
        + " So in short: hash the key, pick a slot, chain collisions. Those are the main points."
    )
    padded = evaluate("tech-hash-table-01", signposts)
    assert padded.score < evaluate("tech-hash-table-01", HASH_MID).score


def test_one_sentence_cannot_earn_the_whole_rubric() -> None:
    from coach.domain.evaluator.evidence import CLAIMS_PER_SENTENCE, WORDS_PER_CLAIM

    sentence = (
        "A hash table hashes the key to a bucket, chains the keys that collide and resizes when it fills up."
    )
    found = analyse("tech-hash-table-01", sentence)
    credit = sum(e.support for r in found.criteria for e in r.evidence if e.quote == sentence)
    words = len(sentence.split())
    assert 0 < credit <= max(CLAIMS_PER_SENTENCE, words / WORDS_PER_CLAIM) + 1e-6


@pytest.mark.parametrize(
    ("answer", "flag"),
    [
        ("", "empty"),
        ("I don't know.", "no_answer"),
        ("No idea, sorry, I have not used hash maps.", "no_answer"),
        ("qwrt zxcvb plkm hjgf dfgsw trewq mnbvcx", "gibberish"),
    ],
)
def test_non_answers_score_zero_to_one(answer: str, flag: str) -> None:
    ev = evaluate("code-e-two-sum-01", answer)
    assert ev.score <= 1.0
    assert flag in ev.flags
    assert ev.strengths == []


# -- feedback ----------------------------------------------------------------------


@pytest.mark.parametrize("row", CORPUS[:60], ids=lambda r: str(r["id"]))
def test_no_criterion_is_both_a_strength_and_something_to_improve(row: dict[str, str]) -> None:
    ev = evaluate(row["question_id"], row["text"], row.get("language"))
    names = {c.name for c in load_bank().by_id(row["question_id"]).rubric}
    strong = {s.split(":", 1)[0] for s in ev.strengths} & names
    weak = {i.split(":", 1)[0] for i in ev.improvements} & names
    assert not strong & weak
    assert "missing missing" not in " ".join(ev.improvements)
    assert 2 <= ev.feedback.count(". ") + 1 <= 5


def test_missing_is_said_only_of_claims_no_sentence_supports() -> None:
    a = analyse("tech-hash-table-01", HASH_MID)
    ev = evaluate("tech-hash-table-01", HASH_MID)
    supported = {e.label for r in a.criteria for e in r.evidence if e.support > 0}
    for line in ev.improvements:
        if "missing " in line:
            said_missing = line.split("missing ", 1)[1].split(";")[0].split(".")[0]
            assert not any(label == said_missing for label in supported)


def test_skill_scores_come_from_the_criteria_that_carry_them() -> None:
    q = load_bank().by_id("tech-hash-table-01")
    ev = evaluate(q.id, HASH_MID)
    assert list(ev.skill_scores) == q.skills
    assert len(set(ev.skill_scores.values()) | {ev.score}) > 1


def test_a_follow_up_is_graded_on_its_own_rubric() -> None:
    q = load_bank().by_id("tech-hash-table-01")
    parent = answer_request(q, HASH_MID).meta
    prompt = q.follow_ups[0]
    meta = follow_up_meta(parent, prompt, 0, "bank")
    answer = (
        "The entry sits in the bucket its hash picked when it was inserted. If the hash changes, a lookup "
        "computes another bucket and never finds it, so keys have to be immutable."
    )
    ev = grader().evaluate(AnswerRequest(question=prompt, meta=meta, answer=answer))
    assert [c.id for c in ev.criteria] == ["follow_up"]
    assert ev.score >= 6.0
    assert "STAR" not in " ".join(ev.improvements)


def test_evaluation_is_deterministic_and_shaped() -> None:
    first = evaluate("beh-mistake-01", GRADED[-1]["answer"])
    second = evaluate("beh-mistake-01", GRADED[-1]["answer"])
    assert msgspec.json.encode(first) == msgspec.json.encode(second)
    q = load_bank().by_id("beh-mistake-01")
    assert first.model == "offline-claims"
    assert [c.id for c in first.criteria] == [c.id for c in q.rubric]


# -- calibration (regression guards; the figures themselves are in docs/evaluator.md) --------


def test_the_grader_ranks_the_corpus_like_its_graders() -> None:
    honest = [r for r in CORPUS if r["kind"] in ("expert", "mid", "weak", "idk")]
    scores = [evaluate(r["question_id"], r["text"], r["language"]).score for r in honest]
    assert spearman([float(r["grade"]) for r in honest], scores) >= 0.75
    old = [evaluate(r["question_id"], r["answer"]).score for r in GRADED]
    assert spearman([float(r["grade"]) for r in GRADED], old) >= 0.8


def test_keyword_lists_never_reach_the_honest_mid_answer() -> None:
    bank = load_bank()
    mids = {r["question_id"]: r for r in CORPUS if r["kind"] == "mid"}
    for qid, mid in mids.items():
        terms = ", ".join(k for c in bank.by_id(qid).rubric for k in c.key_points)
        assert evaluate(qid, terms).score < evaluate(qid, mid["text"], mid["language"]).score, qid
