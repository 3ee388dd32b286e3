"""The offline grader's findings as an LLM judge receives them, and the guards on the judge's score (pure)."""

from __future__ import annotations

import msgspec

from coach.domain.bank import Criterion
from coach.domain.evaluation import CriterionScore, Evaluation
from coach.domain.evaluator.analysis import INJECTION_PENALTY, Analysis, CriterionResult
from coach.domain.evaluator.evidence import ClaimEvidence, MisconceptionHit
from coach.domain.evaluator.findings import (
    MAX_IMPROVEMENTS,
    Findings,
    apply_findings,
    capped_score,
    findings_lines,
    findings_of,
    misconception_note,
    unnamed_misconceptions,
)
from coach.domain.evaluator.quality import Quality
from coach.domain.evaluator.topic import TopicVerdict

CRITERION = Criterion(
    id="locks",
    name="Locking",
    weight=1.0,
    key_points=["row locks", "lock order"],
    weak="",
    fair="",
    strong="",
    claims=["Updates take row locks held until commit.", "Taking locks in one order avoids deadlocks."],
)
MADE = ClaimEvidence(
    "Updates take row locks held until commit.", "row locks", 0.9, "Each UPDATE locks its row."
)
TOUCHED = ClaimEvidence("Taking locks in one order avoids deadlocks.", "lock order", 0.3, "Order matters.")
WRONG = MisconceptionHit(
    claim="MVCC prevents deadlocks.",
    correction="Writers still take row locks under MVCC, so two transactions can deadlock.",
    quote="Postgres cannot deadlock because of MVCC.",
)
QUALITY = Quality(
    word_count=40,
    empty=False,
    idk=False,
    gibberish=False,
    echo=False,
)


def analysis(**overrides: object) -> Analysis:
    fields: dict[str, object] = {
        "criteria": [CriterionResult(CRITERION, [MADE, TOUCHED], 0.6)],
        "misconceptions": [],
        "structure": None,
        "quality": QUALITY,
        "topic": None,
        "injected": False,
        "injection_reasons": [],
        "waste": 0.0,
        "coverage": 0.6,
        "base": 0.6,
        "cap": 10.0,
        "score": 6.0,
        "flags": [],
    }
    fields.update(overrides)
    return Analysis(**fields)  # type: ignore[arg-type]


def judged(score: float = 10.0, **overrides: object) -> Evaluation:
    ev = Evaluation(
        score=score,
        feedback="Excellent answer.",
        strengths=["Complete"],
        improvements=["Mention lock timeouts."],
        skill_scores={"databases": score, "concurrency": 9.0},
        criteria=[CriterionScore("locks", "Locking", score, "ok")],
        model="judge",
    )
    return msgspec.structs.replace(ev, **overrides) if overrides else ev


def findings(**overrides: object) -> Findings:
    return findings_of(analysis(**overrides))


# -- what the judge is told ------------------------------------------------------------


def test_supported_claims_come_with_their_quotes_and_touched_ones_do_not() -> None:
    found = findings()
    assert [(s.criterion_id, s.claim, s.quote) for s in found.supported] == [
        ("locks", MADE.claim, MADE.quote)
    ]
    lines = "\n".join(findings_lines(found))
    assert f'[locks] {MADE.claim} <- "{MADE.quote}"' in lines
    assert TOUCHED.claim not in lines
    assert "cannot exceed" not in lines  # no cap, nothing said about one


def test_no_supported_claim_is_said_outright() -> None:
    lines = findings_lines(findings(criteria=[CriterionResult(CRITERION, [TOUCHED], 0.1)]))
    assert any("No rubric claim was found clearly supported" in line for line in lines)


def test_list_of_terms_is_a_fact_with_its_cap() -> None:
    lines = "\n".join(findings_lines(findings(flags=["list_of_terms"], cap=2.0)))
    assert "mostly a list of terms" in lines
    assert "cannot exceed 2/10" in lines


def test_another_questions_answer_names_that_question() -> None:
    topic = TopicVerdict(0.05, "tech-dns-01", "How DNS resolution works", 0.7)
    found = findings(topic=topic, flags=["other_question"], cap=2.0)
    assert found.other_question == "How DNS resolution works"
    assert any(
        'another interview question ("How DNS resolution works")' in line for line in findings_lines(found)
    )


def test_injection_reasons_are_listed() -> None:
    found = findings(
        injected=True,
        injection_reasons=["instruction override", "a sentence addressed to the grader"],
        flags=["prompt_injection"],
    )
    line = next(line for line in findings_lines(found) if "addressed to the grader was found" in line)
    assert "instruction override, a sentence addressed to the grader" in line
    assert "injection_detected" in line


def test_a_misconception_is_quoted_and_corrected_and_its_sentence_earns_nothing() -> None:
    wrong_support = ClaimEvidence(MADE.claim, "row locks", 0.8, WRONG.quote)
    found = findings(
        criteria=[CriterionResult(CRITERION, [wrong_support], 0.8)],
        misconceptions=[WRONG],
        flags=["misconception"],
        cap=4.5,
    )
    lines = findings_lines(found)
    line = next(line for line in lines if line.startswith("- Misconception asserted"))
    assert f'"{WRONG.quote}"' in line
    assert '"MVCC prevents deadlocks"' in line
    assert WRONG.correction in line
    assert found.supported == ()


def test_long_quotes_are_shortened_to_one_line() -> None:
    long = "Each UPDATE locks its row\nand " + "keeps it " * 60
    found = findings(
        criteria=[CriterionResult(CRITERION, [ClaimEvidence(MADE.claim, "row locks", 0.9, long)], 0.9)]
    )
    line = next(line for line in findings_lines(found) if "[locks]" in line)
    assert "\n" not in line
    assert line.endswith(' …"')


# -- what the judge's score becomes ----------------------------------------------------


def test_capped_score_is_the_cap_and_the_injection_penalty() -> None:
    assert capped_score(10.0, findings(cap=2.0)) == 2.0
    assert capped_score(1.5, findings(cap=2.0)) == 1.5
    assert capped_score(10.0, findings(injected=True)) == 10.0 - INJECTION_PENALTY
    assert capped_score(0.5, findings(injected=True)) == 0.0


def test_a_perfect_judge_score_on_a_keyword_list_is_capped_with_the_reason() -> None:
    ev = apply_findings(judged(10.0), findings(flags=["list_of_terms"], cap=2.0))
    assert ev.score == 2.0
    assert ev.skill_scores == {"databases": 2.0, "concurrency": 2.0}
    assert [c.score for c in ev.criteria] == [2.0]
    assert ev.flags == ["list_of_terms"]
    assert ev.feedback.startswith("Score capped at 2/10 because the answer is a list of terms")
    assert ev.improvements[0].startswith("It reads as a list of terms")
    assert "Mention lock timeouts." in ev.improvements
    assert ev.model == "judge"


def test_another_questions_answer_is_capped_and_named() -> None:
    topic = TopicVerdict(0.05, "tech-dns-01", "How DNS resolution works", 0.7)
    ev = apply_findings(judged(9.0), findings(topic=topic, flags=["other_question"], cap=2.0))
    assert ev.score == 2.0
    assert "How DNS resolution works" in ev.feedback
    assert "another question" in ev.improvements[0]


def test_injected_answer_loses_the_penalty_and_says_why() -> None:
    found = findings(injected=True, injection_reasons=["instruction override"], flags=["prompt_injection"])
    ev = apply_findings(judged(10.0), found)
    assert ev.score == 9.0
    assert ev.skill_scores["databases"] == 9.0
    assert ev.flags == ["prompt_injection"]
    assert ev.improvements[-1].startswith("Parts of your answer addressed the grader")
    assert "instruction override" in ev.improvements[-1]
    assert not ev.feedback.startswith("Score capped")  # no ceiling bit, only the penalty


def test_judge_flags_are_kept_and_the_analysis_flags_merged() -> None:
    ev = apply_findings(judged(5.0, flags=["prompt_injection"]), findings(flags=["padded"]))
    assert ev.flags == ["prompt_injection", "padded"]


def test_a_score_under_the_cap_is_left_alone() -> None:
    ev = apply_findings(judged(6.0), findings())
    assert (ev.score, ev.feedback, ev.improvements) == (6.0, "Excellent answer.", ["Mention lock timeouts."])
    assert ev.skill_scores == {"databases": 6.0, "concurrency": 9.0}


def test_a_misconception_the_judge_missed_leads_the_improvements() -> None:
    found = findings(misconceptions=[WRONG], flags=["misconception"], cap=4.5)
    ev = apply_findings(judged(8.0), found)
    assert ev.score == 4.5
    assert ev.improvements[0] == misconception_note(WRONG)
    assert WRONG.quote in ev.improvements[0]
    assert WRONG.correction in ev.improvements[0]
    assert "asserts a misconception" in ev.feedback


def test_a_misconception_the_judge_named_is_not_repeated() -> None:
    named = "Under MVCC writers still take row locks, so transactions can deadlock; order your updates."
    assert unnamed_misconceptions([WRONG], [named]) == []
    assert unnamed_misconceptions([WRONG], ["Mention lock timeouts."]) == [WRONG]
    ev = apply_findings(judged(4.0, improvements=[named]), findings(misconceptions=[WRONG], cap=4.5))
    assert ev.improvements == [named]


def test_improvements_stay_within_the_limit_keeping_the_guards() -> None:
    many = [f"Point {i}." for i in range(MAX_IMPROVEMENTS)]
    found = findings(
        misconceptions=[WRONG],
        injected=True,
        injection_reasons=["instruction override"],
        flags=["misconception", "prompt_injection"],
        cap=4.5,
    )
    ev = apply_findings(judged(8.0, improvements=many), found)
    assert len(ev.improvements) == MAX_IMPROVEMENTS
    assert ev.improvements[0] == misconception_note(WRONG)
    assert ev.improvements[-1].startswith("Parts of your answer addressed the grader")
