"""follow_up_for: one follow-up on a clear gap, only when there is room for it."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from coach.domain.bank import Criterion
from coach.domain.evaluation import CriterionScore, Evaluation
from coach.domain.followups import GAP_HIGH, GAP_LOW, MIN_MINUTES, WEAK_CRITERION, follow_up_for
from coach.domain.questions import QuestionMeta


def criterion(cid: str, name: str, key_points: list[str], weight: float) -> Criterion:
    return Criterion(
        id=cid,
        name=name,
        weight=weight,
        key_points=key_points,
        weak="w",
        fair="f",
        strong=f"{name} done well",
    )


RUBRIC = [
    criterion("design", "Cache design", ["read-through cache", "key scheme"], 0.4),
    criterion("invalidation", "Invalidation", ["TTL expiry", "write invalidation", "stale reads"], 0.35),
    criterion("stampede", "Stampede protection", ["request coalescing", "jittered expiry"], 0.25),
]
PROMPTS = [
    "How would you choose the cache key?",
    "How do you stop a thundering herd when a hot key expires?",
    "What happens to stale reads after a write, and how would you invalidate entries?",
]
META = QuestionMeta(
    kind="system_design",
    title="Cache a product catalogue",
    skills=["caching"],
    rubric=RUBRIC,
    model_answer="Read-through cache; TTL plus invalidation on write; coalesce misses.",
    follow_ups=PROMPTS,
    bank_id="sd-cache-1",
)
QUESTION = "Design a cache for a product catalogue."
ANSWER = "I would put Redis in front of the database with a read-through cache keyed by product id."


def evaluation(score: float = 5.0, **criteria: float) -> Evaluation:
    scores = {"design": 7.0, "invalidation": 2.0, "stampede": 5.0} | criteria
    names = {c.id: c.name for c in RUBRIC}
    return Evaluation(
        score=score,
        feedback="A reasonable start.",
        strengths=["Cache design: you covered read-through cache."],
        improvements=[
            "Stampede protection: missing request coalescing.",
            "Invalidation: missing TTL expiry and write invalidation.",
        ],
        skill_scores={"caching": score},
        criteria=[CriterionScore(id=k, name=names[k], score=v) for k, v in scores.items()],
    )


def ask(**overrides: Any) -> Any:
    args: dict[str, Any] = {
        "meta": META,
        "question_text": QUESTION,
        "answer": ANSWER,
        "evaluation": evaluation(),
        "position": 3,
        "remaining_questions": 2,
        "remaining_minutes": 20.0,
        "already_followed_up": False,
    }
    args.update(overrides)
    return follow_up_for(**args)


def test_a_middling_answer_gets_one_follow_up_about_its_weakest_criterion() -> None:
    follow = ask()
    assert follow is not None
    assert follow.prompts == [PROMPTS[2]]  # invalidation scored lowest: stale reads, invalidate
    assert follow.position == 3
    assert follow.question == QUESTION
    assert follow.answer == ANSWER
    assert follow.meta == META


def test_the_prompt_follows_the_weakest_criterion() -> None:
    follow = ask(evaluation=evaluation(invalidation=6.0, stampede=1.0))
    assert follow is not None
    assert follow.prompts == [PROMPTS[1]]  # stampede: thundering herd, expires


def test_gaps_are_the_improvement_lines_weakest_criterion_first() -> None:
    follow = ask()
    assert follow is not None
    assert follow.gaps == [
        "Invalidation: missing TTL expiry and write invalidation.",
        "Stampede protection: missing request coalescing.",
    ]


def test_criteria_tied_on_score_prefer_the_heavier_one() -> None:
    follow = ask(evaluation=evaluation(design=2.0, invalidation=2.0))
    assert follow is not None
    assert follow.prompts == [PROMPTS[0]]  # design weighs 0.4 > 0.35


@pytest.mark.parametrize("score", [GAP_LOW, 4.0, GAP_HIGH - 0.1])
def test_scores_in_the_gap_band_get_a_follow_up(score: float) -> None:
    assert ask(evaluation=evaluation(score, invalidation=5.0)) is not None


def test_an_answer_that_missed_the_question_gets_no_follow_up() -> None:
    assert ask(evaluation=evaluation(GAP_LOW - 0.1)) is None


def test_a_good_answer_without_a_weak_criterion_gets_no_follow_up() -> None:
    strong = evaluation(8.0, design=9.0, invalidation=WEAK_CRITERION, stampede=8.0)
    assert ask(evaluation=strong) is None


def test_a_good_answer_with_one_weak_criterion_gets_a_follow_up_on_it() -> None:
    follow = ask(evaluation=evaluation(8.0, design=9.0, invalidation=9.0, stampede=WEAK_CRITERION - 1))
    assert follow is not None
    assert follow.prompts == [PROMPTS[1]]


def test_no_follow_up_on_a_follow_up() -> None:
    assert ask(already_followed_up=True) is None
    assert ask(meta=msgspec.structs.replace(META, follow_up_of=2)) is None


def test_no_follow_up_when_no_question_remains() -> None:
    assert ask(remaining_questions=0) is None


def test_no_follow_up_when_too_little_time_remains() -> None:
    assert ask(remaining_minutes=MIN_MINUTES - 0.5) is None
    assert ask(remaining_minutes=MIN_MINUTES) is not None


def test_no_follow_up_without_bank_prompts() -> None:
    assert ask(meta=msgspec.structs.replace(META, follow_ups=[" "])) is None


@pytest.mark.parametrize("flag", ["empty", "no_answer", "off_topic", "gibberish"])
def test_no_follow_up_on_a_non_answer(flag: str) -> None:
    assert ask(evaluation=msgspec.structs.replace(evaluation(), flags=[flag])) is None


def test_no_follow_up_on_a_blank_answer() -> None:
    assert ask(answer="   ") is None


def test_without_criterion_scores_the_first_improvement_chooses_the_prompt() -> None:
    plain = msgspec.structs.replace(
        evaluation(),
        criteria=[],
        improvements=["Say what happens when a hot key expires: a thundering herd."],
    )
    follow = ask(evaluation=plain)
    assert follow is not None
    assert follow.prompts == [PROMPTS[1]]
    assert follow.gaps == ["Say what happens when a hot key expires: a thundering herd."]


def test_gaps_fall_back_to_the_weakest_criterion_when_there_are_no_improvements() -> None:
    bare = msgspec.structs.replace(
        evaluation(),
        improvements=[],
        criteria=[CriterionScore(id="invalidation", name="Invalidation", score=2.0, comment="Missing TTL.")],
    )
    follow = ask(evaluation=bare)
    assert follow is not None
    assert follow.gaps == ["Invalidation: Missing TTL."]


def test_a_structure_criterion_is_not_the_gap_while_a_content_one_is_weak() -> None:
    star = CriterionScore(id="star", name="STAR structure", score=0.0)
    scored = evaluation(invalidation=6.0, stampede=3.0)
    follow = ask(evaluation=msgspec.structs.replace(scored, criteria=[star, *scored.criteria]))
    assert follow is not None
    assert follow.prompts == [PROMPTS[1]]  # stampede, not the STAR structure
