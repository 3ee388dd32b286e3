"""Non-answers, whatever the rubric: empty, "I don't know", gibberish, the question pasted back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain.evaluator.text import STOPWORDS, content_tokens, normalise, words

__all__ = ["Quality", "assess_quality"]

_IDK = re.compile(
    r"\b(i )?(don'?t|do not|dont) (really )?know\b|\bno idea\b|\bnot sure\b|\bi'?m not familiar\b|"
    r"\bpass\b|\bskip\b|\bno clue\b|\bcan'?t remember\b|\bhave(n'?t| not) (done|heard|used)\b|\bnever"
    r" (done|heard|used)\b"
)
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Quality:
    """Whether an answer is an answer at all: empty, "I don't know", gibberish, the question pasted back."""

    word_count: int
    empty: bool
    idk: bool
    gibberish: bool
    echo: bool


def _wordlike(token: str) -> bool:
    # Gibberish strings ("asdkjh", "qwrtp") lack vowels or pile up consonants.
    if token.isdigit() or len(token) <= 3:
        return True
    if not any(c in _VOWELS for c in token):
        return False
    return re.search(r"[^aeiouy0-9]{5,}", token) is None


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    ws = words(normalise(text))
    return set(zip(ws, ws[1:], ws[2:], strict=False))


def assess_quality(answer: str, question: str, question_tokens: frozenset[str], *, is_code: bool) -> Quality:
    """The non-answer signals of an answer, from its raw text; `question` spots a pasted question."""
    all_words = words(normalise(answer))
    content = content_tokens(answer)
    distinct = set(content)
    n_words = len(all_words)
    empty = len(distinct) == 0
    idk = bool(_IDK.search(answer.lower())) and len(distinct) < 12
    wordlike = sum(1 for w in all_words if _wordlike(w)) / n_words if n_words else 0.0
    stop_share = sum(1 for w in all_words if w in STOPWORDS) / n_words if n_words else 0.0
    gibberish = not empty and (wordlike < 0.7 or (stop_share < 0.08 and not is_code and n_words >= 5))
    novel = distinct - question_tokens
    # A pasted question shares whole phrases with the prompt, not just its vocabulary.
    grams = _trigrams(answer)
    copied = len(grams & _trigrams(question)) / len(grams) if grams else 0.0
    echo = bool(distinct) and copied >= 0.5 and len(novel) < 8
    return Quality(n_words, empty, idk, gibberish, echo)
