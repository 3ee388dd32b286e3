"""Is the answer about the question asked, or about another question of the bank? (pure)

Two steps. The answer, as a whole, is compared with every bank question's title and prompt; the
few questions nearer to it than the one asked are candidates. A candidate wins only if its own
rubric is clearly better covered by the answer than the asked question's rubric: sharing a topic
is not enough (behavioral stories all sound alike), answering that question's claims is.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.evaluator.semantic import Vector, cosine

__all__ = ["CANDIDATES", "TopicIndex", "TopicVerdict", "other_wins"]

CANDIDATES = 5
SLACK = 0.02
"""A question this much less near than the asked one is still a candidate."""
OTHER_FLOOR = 0.3
"""The other question's rubric must be at least this well covered..."""
OTHER_MARGIN = 0.15
"""...by this much more than the asked question's..."""
OTHER_RATIO = 1.6
"""...and this many times as much."""


@dataclass(frozen=True, slots=True)
class TopicVerdict:
    """The asked question's rubric coverage, and the other question the answer was written for, if any."""

    asked_coverage: float
    other_id: str | None = None
    other_title: str | None = None
    other_coverage: float = 0.0


def other_wins(asked_coverage: float, other_coverage: float) -> bool:
    """Whether another question's rubric is covered clearly better than the asked one's."""
    return (
        other_coverage >= OTHER_FLOOR
        and other_coverage >= asked_coverage + OTHER_MARGIN
        and other_coverage >= OTHER_RATIO * asked_coverage
    )


@dataclass(frozen=True, slots=True)
class TopicIndex:
    """The bank's questions as vectors: id, title and the title's vector."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    vectors: tuple[Vector, ...]

    def nearer(self, answer: Vector, asked_id: str | None, asked: Vector) -> list[tuple[str, str]]:
        """(id, title) of up to CANDIDATES other questions at least about as near the answer as the asked one."""
        to_asked = cosine(answer, asked)
        # A retired duplicate of the asked question (same title) is not "another question".
        asked_title = self.titles[self.ids.index(asked_id)].casefold() if asked_id in self.ids else None
        scored = [
            (cosine(answer, vector), qid, title)
            for qid, title, vector in zip(self.ids, self.titles, self.vectors, strict=True)
            if qid != asked_id and title.casefold() != asked_title
        ]
        scored.sort(reverse=True)
        return [(qid, title) for sim, qid, title in scored[:CANDIDATES] if sim >= to_asked - SLACK]
