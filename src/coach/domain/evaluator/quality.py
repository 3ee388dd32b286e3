"""Answer quality signals that are not about the rubric: non-answers, echo, length, padding."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from coach.domain.evaluator.text import STOPWORDS, normalise, sentences, words

__all__ = ["Quality", "assess_quality"]

_IDK = re.compile(
    r"\b(i )?(don'?t|do not|dont) (really )?know\b|\bno idea\b|\bnot sure\b|\bi'?m not familiar\b|"
    r"\bpass\b|\bskip\b|\bno clue\b|\bcan'?t remember\b|\bhave(n'?t| not) (done|heard|used)\b|\bnever"
    r" (done|heard|used)\b"
)
_FILLER = re.compile(
    r"\bbasically\b|\bessentially\b|\bkind of\b|\bsort of\b|\byou know\b|\bat the end of the day\b|"
    r"\bin today'?s\b|\bfast[- ]paced\b|\bit is (very |really )?important to (note|remember|understand)\b|"
    r"\bas (i|we) (said|mentioned)\b|\bleverag\w*\b|\bsynerg\w*\b|\bbest practices?\b|\bto be honest\b|"
    r"\bgoing forward\b|\bmove the needle\b|\bat scale\b|\brobust\b|\bseamless\w*\b|\bworld[- ]class\b|"
    r"\bin (summary|conclusion)\b|\bneedless to say\b|\bobviously\b|\bvery very\b|\breally really\b"
)
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Quality:
    """Non-rubric signals for one answer, each 0-1 unless stated."""

    word_count: int
    empty: bool
    idk: bool
    gibberish: bool
    echo: bool
    relevance: float
    """Share of the answer's content words that belong to the question, rubric or model answer."""
    substance: float
    """Distinct content words, with diminishing returns."""
    repetition: float
    """0 for a fresh answer, towards 1 when sentences and words repeat."""
    filler: float
    """Share of sentences carrying stock filler phrases."""


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


def assess_quality(
    answer: str,
    question: str,
    content: list[str],
    question_tokens: frozenset[str],
    topic_tokens: frozenset[str],
    *,
    saturation: float,
    is_code: bool,
) -> Quality:
    """Compute the quality signals of an answer from its raw text and stemmed content tokens.

    `question` is the question text (to spot a pasted question); `topic_tokens` is the vocabulary of the question, rubric and model answer; `saturation` is how many
    distinct content words a complete answer of this kind needs (longer for system design).
    """
    all_words = words(normalise(answer))
    distinct = set(content)
    n_words = len(all_words)
    empty = len(distinct) == 0
    idk = bool(_IDK.search(answer.lower())) and len(distinct) < 12
    wordlike = sum(1 for w in all_words if _wordlike(w)) / n_words if n_words else 0.0
    stop_share = sum(1 for w in all_words if w in STOPWORDS) / n_words if n_words else 0.0
    gibberish = not empty and (wordlike < 0.7 or (stop_share < 0.08 and not is_code and n_words >= 5))
    relevance = len(distinct & topic_tokens) / len(distinct) if distinct else 0.0
    novel = distinct - question_tokens
    # A pasted question shares whole phrases with the prompt, not just its vocabulary.
    grams = _trigrams(answer)
    copied = len(grams & _trigrams(question)) / len(grams) if grams else 0.0
    echo = bool(distinct) and copied >= 0.5 and len(novel) < 8
    substance = 1.0 - math.exp(-len(distinct) / saturation)
    sents = [s.lower() for s in sentences(answer)]
    repeated_sents = (len(sents) - len(set(sents))) / len(sents) if sents else 0.0
    counts = Counter(content)
    # Content words beyond their third use add length, not substance (code reuses its names legitimately).
    allowance = 6 if is_code else 3
    excess = sum(max(0, c - allowance) for c in counts.values()) / len(content) if content else 0.0
    repetition = min(1.0, max(repeated_sents, excess))
    filler = sum(1 for s in sents if _FILLER.search(s)) / len(sents) if sents else 0.0
    return Quality(n_words, empty, idk, gibberish, echo, relevance, substance, repetition, filler)
