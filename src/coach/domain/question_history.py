"""The candidate's recent questions in the order QuestionRequest expects them (pure)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["recent_oldest_first"]


def recent_oldest_first(texts_newest_first: Iterable[str]) -> list[str]:
    """Recent question texts oldest first, blanks and repeats dropped (the newest sighting kept).

    `build_question_messages` lists the LAST `MAX_RECENT` of `QuestionRequest.recent_questions`
    as "Already asked", so the newest must come last; the store returns them newest first.
    """
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts_newest_first:
        key = " ".join(text.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    kept.reverse()
    return kept
