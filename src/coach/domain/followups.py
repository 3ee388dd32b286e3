"""When to follow up on an answer, and on what: one question about its clearest gap (pure)."""

from __future__ import annotations

import re

from coach.domain.bank import Criterion, FollowUpRubric
from coach.domain.evaluation import CriterionScore, Evaluation
from coach.domain.evaluator.text import content_tokens
from coach.domain.questions import FollowUp, QuestionMeta, QuestionSource

__all__ = [
    "GAP_HIGH",
    "GAP_LOW",
    "MAX_GAPS",
    "MIN_MINUTES",
    "WEAK_CRITERION",
    "follow_up_for",
    "follow_up_meta",
]

MIN_MINUTES = 4.0
"""Below this many minutes left, move on: a follow-up and its answer would not fit."""
GAP_LOW = 2.0
"""Below this overall score the answer missed the question; probing it would not help."""
GAP_HIGH = 7.0
"""From this score up the answer is good; only a criterion under WEAK_CRITERION is a gap."""
WEAK_CRITERION = 4.0
MAX_GAPS = 3
_MIN_PREFIX = 4
_FORM = re.compile(r"\bstar\b|\bstructure\b", re.IGNORECASE)
_NOT_AN_ANSWER = frozenset({"empty", "no_answer", "gibberish", "off_topic", "echoes_question"})


def follow_up_for(
    meta: QuestionMeta,
    question_text: str,
    answer: str,
    evaluation: Evaluation,
    position: int,
    remaining_questions: int,
    remaining_minutes: float,
    already_followed_up: bool,
) -> FollowUp | None:
    """ONE follow-up on the answer's clearest gap, or None when there is none or no room for it.

    Never on a follow-up, never when no question or under MIN_MINUTES remain, never without
    bank follow-up prompts. A gap is a score in [GAP_LOW, GAP_HIGH), or a good score with a
    criterion under WEAK_CRITERION. The prompt asked is the one sharing most words with the
    weakest criterion (its name, key points and the evaluator's comment on it).
    """
    if already_followed_up or meta.follow_up_of is not None:
        return None
    if remaining_questions <= 0 or remaining_minutes < MIN_MINUTES:
        return None
    prompts = [p.strip() for p in meta.follow_ups if p.strip()]
    if not prompts or not answer.strip() or _NOT_AN_ANSWER.intersection(evaluation.flags):
        return None
    weakest = _weakest(evaluation.criteria, meta.rubric)
    if evaluation.score < GAP_LOW:
        return None
    if evaluation.score >= GAP_HIGH and (weakest is None or weakest.score >= WEAK_CRITERION):
        return None
    focus = _focus(weakest, meta.rubric, evaluation.improvements)
    return FollowUp(
        position=position,
        question=question_text,
        answer=answer,
        gaps=_gaps(evaluation, weakest),
        prompts=[_closest(prompts, focus)],
        meta=meta,
    )


def _weakest(scores: list[CriterionScore], rubric: list[Criterion]) -> CriterionScore | None:
    """The lowest-scored criterion; on a tie, the one weighing most in the rubric.

    Criteria about form ("STAR structure") come last: a follow-up question probes content.
    """
    weights = {c.id: c.weight for c in rubric}
    return min(
        scores,
        key=lambda s: (bool(_FORM.search(s.name)), s.score, -weights.get(s.id, 0.0)),
        default=None,
    )


def _focus(weakest: CriterionScore | None, rubric: list[Criterion], improvements: list[str]) -> set[str]:
    if weakest is None:
        return set(content_tokens(improvements[0])) if improvements else set()
    criterion = next((c for c in rubric if c.id == weakest.id), None)
    parts = [weakest.name, weakest.comment]
    if criterion is not None:
        parts += [criterion.name, *criterion.key_points]
    return set(content_tokens(" ".join(parts)))


def _closest(prompts: list[str], focus: set[str]) -> str:
    """The prompt sharing most words with `focus`; the first one on a tie (bank order)."""

    def overlap(prompt: str) -> int:
        words = set(content_tokens(prompt))
        return sum(1 for f in focus if any(_related(f, w) for w in words))

    return max(prompts, key=overlap)


def _related(a: str, b: str) -> bool:
    """Same stem, or one a prefix of the other ("expir" / "expiri"): the light stemmer leaves such pairs."""
    if a == b:
        return True
    return min(len(a), len(b)) >= _MIN_PREFIX and (a.startswith(b) or b.startswith(a))


def _gaps(evaluation: Evaluation, weakest: CriterionScore | None) -> list[str]:
    """The improvement lines, those about the weakest criterion first."""
    lines = [line.strip() for line in evaluation.improvements if line.strip()]
    if weakest is not None:
        name = weakest.name.casefold()
        lines.sort(key=lambda line: name not in line.casefold())
        if not lines:
            lines = [f"{weakest.name}: {weakest.comment}".strip(": ")]
    return lines[:MAX_GAPS]


def _rubric_for(meta: QuestionMeta, prompt: str) -> FollowUpRubric | None:
    """The bank's rubric for this follow-up: the same text, else the one sharing most words with it."""
    exact = next((r for r in meta.follow_up_rubrics if r.question.strip() == prompt.strip()), None)
    if exact is not None or not meta.follow_up_rubrics:
        return exact
    words = set(content_tokens(prompt))
    best = max(meta.follow_up_rubrics, key=lambda r: len(words & set(content_tokens(r.question))))
    return best if words & set(content_tokens(best.question)) else None


def follow_up_meta(parent: QuestionMeta, prompt: str, position: int, source: QuestionSource) -> QuestionMeta:
    """The metadata of a follow-up to `parent`, graded on the follow-up's own rubric.

    The rubric is one criterion holding the follow-up's claims; it carries every skill of the
    parent, and the parent's misconceptions still apply alongside the follow-up's own.
    """
    found = _rubric_for(parent, prompt)
    rubric = parent.rubric
    misconceptions = list(parent.misconceptions)
    if found is not None:
        rubric = [
            Criterion(
                id="follow_up",
                name="Answer to the follow-up",
                weight=1.0,
                key_points=list(found.key_points),
                weak="Does not engage with the follow-up or repeats the earlier answer.",
                fair="Answers part of the follow-up without the reasoning behind it.",
                strong="Answers the follow-up directly, with the reasoning and its limits.",
                claims=list(found.claims),
                skills=list(parent.skills),
            )
        ]
        misconceptions = [*found.misconceptions, *misconceptions]
    return QuestionMeta(
        kind=parent.kind,
        title=f"Follow-up: {parent.title}",
        skills=parent.skills,
        rubric=rubric,
        model_answer=parent.model_answer,
        follow_ups=[],
        bank_id=None,
        language=parent.language,
        starter_code=None,
        source=source,
        follow_up_of=position,
        misconceptions=misconceptions,
    )
