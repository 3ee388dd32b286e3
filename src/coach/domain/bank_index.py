"""The loaded question bank: validation, coverage, and the question selection policy."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import msgspec

from coach.domain.bank import BankFile, BankQuestion
from coach.domain.kinds import (
    DIFFICULTIES,
    LANGUAGES,
    QUESTION_TYPES,
    ROLES,
    Difficulty,
    QuestionType,
    Role,
    role_track,
)
from coach.domain.questions import AnswerRequest, QuestionMeta, QuestionRequest

__all__ = ["WEIGHT_TOLERANCE", "Bank", "question_text", "to_meta"]

WEIGHT_TOLERANCE = 0.01
MIN_CRITERIA = 3
MAX_CRITERIA = 5
MIN_FOLLOW_UPS = 2
MIN_CLAIMS, MAX_CLAIMS = 2, 5
MIN_MISCONCEPTIONS, MAX_MISCONCEPTIONS = 2, 4
DEFAULT_LANGUAGE = "python"

Cell = tuple[QuestionType, Difficulty, Role]


class Bank:
    """An immutable set of curated questions with look-up, validation and selection."""

    def __init__(self, questions: Iterable[BankQuestion]) -> None:
        self.questions: tuple[BankQuestion, ...] = tuple(questions)
        self._by_id: dict[str, BankQuestion] = {}
        for q in self.questions:
            self._by_id.setdefault(q.id, q)

    def __len__(self) -> int:
        return len(self.questions)

    def by_id(self, question_id: str) -> BankQuestion:
        """The question with this id; KeyError if the bank has none."""
        return self._by_id[question_id]

    # -- validation ---------------------------------------------------------

    def problems(self) -> list[str]:
        """Every rule the bank breaks, as "<id>: <problem>" lines; empty when the bank is sound."""
        found: list[str] = []
        counts = Counter(q.id for q in self.questions)
        found.extend(f"{qid}: duplicate id ({n} questions)" for qid, n in counts.items() if n > 1)
        for q in self.questions:
            found.extend(f"{q.id or '<no id>'}: {p}" for p in _question_problems(q))
        # A claim shared by two questions is a template: it cannot be specific to both.
        owners: dict[str, str] = {}
        for q in self.questions:
            for claim in {" ".join(c.casefold().split()) for r in q.rubric for c in r.claims}:
                if claim in owners and owners[claim] != q.id:
                    found.append(f"{q.id}: claim also in {owners[claim]}: {claim!r}")
                owners.setdefault(claim, q.id)
        return found

    # -- coverage -----------------------------------------------------------

    def coverage(self) -> dict[Cell, int]:
        """Question count per (type, difficulty, role) cell, every cell listed; counts once per role."""
        cells: dict[Cell, int] = {(t, d, r): 0 for t in QUESTION_TYPES for d in DIFFICULTIES for r in ROLES}
        for q in self.questions:
            if q.retired:
                continue
            for role in set(q.roles):
                cells[(q.type, q.difficulty, role)] += 1
        return cells

    def coverage_gaps(self, minimum: int) -> list[str]:
        """Cells holding fewer than `minimum` questions, as readable lines."""
        return [f"{t}/{d}/{r}: {n} < {minimum}" for (t, d, r), n in self.coverage().items() if n < minimum]

    def stats_table(self) -> str:
        """A plain-text table of question counts: one row per type and difficulty, one column per role."""
        cells = self.coverage()
        header = ["type", "difficulty", *ROLES, "questions"]
        rows: list[list[str]] = []
        for t in QUESTION_TYPES:
            for d in DIFFICULTIES:
                distinct = sum(1 for q in self.questions if q.type == t and q.difficulty == d)
                rows.append([t, d, *(str(cells[(t, d, r)]) for r in ROLES), str(distinct)])
        rows.append(
            [
                "total",
                "",
                *(str(sum(1 for q in self.questions if r in q.roles)) for r in ROLES),
                str(len(self.questions)),
            ]
        )
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cols: Sequence[str]) -> str:
            # Names left-aligned, counts right-aligned, so the numbers line up.
            return "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cols, widths, strict=True))
            )

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(header), rule, *(line(r) for r in rows[:-1]), rule, line(rows[-1])])

    def to_json(self) -> bytes:
        """All questions as JSON in the bank-file shape (`{"questions": [...]}`), for export."""
        return msgspec.json.encode(BankFile(questions=list(self.questions)))

    # -- selection ----------------------------------------------------------

    def pick(self, request: QuestionRequest) -> BankQuestion:
        """Choose the next question for a request, deterministically from its seed.

        Preference order: the requested type, difficulty and role track, unseen;
        then any role; then the neighbouring difficulty (role track first). If every
        such question was seen, the least recently seen one (earliest in
        `seen_bank_ids`) comes back. Only then are difficulties two steps away
        used. Questions of a topic family already asked in the session (and
        retired questions) are left out first. Raises LookupError when the bank
        has no question of the type.
        """
        track = role_track(request.role)
        # The last sighting counts: an id seen twice was seen recently.
        seen_order = {qid: i for i, qid in enumerate(request.seen_bank_ids)}
        recent = {_norm(text) for text in request.recent_questions if text.strip()}

        def is_recent(q: BankQuestion) -> bool:
            prompt = _norm(q.prompt)
            # Recent texts may be the full spoken text (prompt plus examples), so match containment too.
            return any(prompt == r or prompt in r for r in recent)

        of_type = [q for q in self.questions if q.type == request.type and not q.retired]
        if not of_type:
            raise LookupError(f"the bank has no {request.type} questions")
        preferred = set(request.preferred_bank_ids)
        # No two questions of one topic family in a session, whatever else must give way.
        asked = {self._by_id[i].family for i in request.session_bank_ids if i in self._by_id}
        asked.discard("")
        other_topic = [q for q in of_type if q.family not in asked and q.id not in request.session_bank_ids]
        candidates = other_topic or [q for q in of_type if q.id not in request.session_bank_ids] or of_type
        near = _tiers(candidates, request.difficulty, track, max_distance=1, min_distance=0)
        far = _tiers(candidates, request.difficulty, track, max_distance=2, min_distance=2)
        for tiers in (near, far):
            for pool in tiers:
                fresh = [q for q in pool if q.id not in seen_order and not is_recent(q)]
                liked = [q for q in fresh if q.id in preferred]
                if liked or fresh:
                    return _seeded_choice(liked or fresh, request.seed)
            for pool in tiers:
                if pool:
                    return min(pool, key=_repeat_order(seen_order, is_recent))
        raise LookupError(f"no {request.type} question to pick")  # unreachable: of_type is non-empty


def to_meta(q: BankQuestion, language: str | None) -> QuestionMeta:
    """The metadata stored with an asked bank question; coding questions get starter code in `language`."""
    lang: str | None = None
    starter: str | None = None
    if q.type == "coding":
        lang = language if language and language in q.starter_code else DEFAULT_LANGUAGE
        starter = q.starter_code.get(lang)
        if starter is not None:
            starter = starter.strip("\n") + "\n"
    starters = {name: code.strip("\n") + "\n" for name, code in q.starter_code.items() if code.strip()}
    return QuestionMeta(
        kind=q.type,
        title=q.title,
        skills=list(q.skills),
        rubric=list(q.rubric),
        model_answer=q.model_answer.strip(),
        follow_ups=list(q.follow_ups),
        misconceptions=list(q.misconceptions),
        follow_up_rubrics=list(q.follow_up_rubrics),
        bank_id=q.id,
        language=lang,
        starter_code=starter,
        starter_codes=starters if q.type == "coding" else {},
        source="bank",
    )


def question_text(q: BankQuestion) -> str:
    """What the interviewer says: the prompt, plus examples and constraints as plain-text lists for coding."""
    parts = [q.prompt.strip()]
    if q.type == "coding":
        if q.examples:
            parts.append("Examples:\n" + "\n".join(f"- {e.strip()}" for e in q.examples))
        if q.constraints:
            parts.append("Constraints:\n" + "\n".join(f"- {c.strip()}" for c in q.constraints))
    return "\n\n".join(parts)


def answer_request(q: BankQuestion, answer: str, language: str | None = None) -> AnswerRequest:
    """An answer to a bank question, ready for an evaluator (as the interview would ask it)."""
    meta = to_meta(q, language)
    return AnswerRequest(
        question=question_text(q), meta=meta, answer=answer, language=meta.language, difficulty=q.difficulty
    )


# -- internals -----------------------------------------------------------------


def _question_problems(q: BankQuestion) -> list[str]:
    found: list[str] = []
    for name in ("id", "title", "prompt", "model_answer"):
        if not str(getattr(q, name)).strip():
            found.append(f"empty {name}")
    if not q.skills or any(not s.strip() for s in q.skills):
        found.append("no skills (or a blank one)")
    if not q.roles:
        found.append("no roles")
    if len(q.follow_ups) < MIN_FOLLOW_UPS or any(not f.strip() for f in q.follow_ups):
        found.append(f"needs at least {MIN_FOLLOW_UPS} non-empty follow_ups, has {len(q.follow_ups)}")
    if not MIN_CRITERIA <= len(q.rubric) <= MAX_CRITERIA:
        found.append(f"needs {MIN_CRITERIA}-{MAX_CRITERIA} rubric criteria, has {len(q.rubric)}")
    total = sum(c.weight for c in q.rubric)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        found.append(f"rubric weights sum to {total:.3f}, not 1")
    criterion_ids = Counter(c.id for c in q.rubric)
    found.extend(f"duplicate criterion id {cid!r}" for cid, n in criterion_ids.items() if n > 1)
    for c in q.rubric:
        if not c.key_points or any(not k.strip() for k in c.key_points):
            found.append(f"criterion {c.id!r} has no key points (or a blank one)")
        if c.weight <= 0:
            found.append(f"criterion {c.id!r} has weight {c.weight}, must be positive")
    found.extend(_rubric_content_problems(q))
    if q.type == "coding":
        if not q.examples:
            found.append("coding question without examples")
        if not q.constraints:
            found.append("coding question without constraints")
        missing = [lang for lang in LANGUAGES if not q.starter_code.get(lang, "").strip()]
        if missing:
            found.append(f"coding question without starter code for {', '.join(missing)}")
        if not q.solution_notes.strip():
            found.append("coding question without solution_notes")
        if not q.complexity.strip():
            found.append("coding question without complexity")
    elif q.starter_code:
        found.append(f"{q.type} question has starter code")
    return found


def _claims_problems(where: str, claims: list[str], key_points: list[str], low: int, high: int) -> list[str]:
    found = []
    if not low <= len(claims) <= high or any(not c.strip() for c in claims):
        found.append(f"{where} needs {low}-{high} non-empty claims, has {len(claims)}")
    if len(key_points) != len(claims):
        found.append(f"{where} needs one key point per claim ({len(key_points)} for {len(claims)})")
    return found


def _rubric_content_problems(q: BankQuestion) -> list[str]:
    """The grader's format: claims per criterion, skills carried, misconceptions, a rubric per follow-up."""
    found: list[str] = []
    carried: set[str] = set()
    for c in q.rubric:
        found.extend(_claims_problems(f"criterion {c.id!r}", c.claims, c.key_points, MIN_CLAIMS, MAX_CLAIMS))
        if not c.skills or not set(c.skills) <= set(q.skills):
            found.append(f"criterion {c.id!r} skills {c.skills} are not some of the question's {q.skills}")
        carried.update(c.skills)
    if set(q.skills) - carried:
        found.append(f"skills carried by no criterion: {', '.join(sorted(set(q.skills) - carried))}")
    if not MIN_MISCONCEPTIONS <= len(q.misconceptions) <= MAX_MISCONCEPTIONS:
        found.append(
            f"needs {MIN_MISCONCEPTIONS}-{MAX_MISCONCEPTIONS} misconceptions, has {len(q.misconceptions)}"
        )
    if any(not m.claim.strip() or not m.correction.strip() for m in q.misconceptions):
        found.append("a misconception without its claim or correction")
    if [r.question for r in q.follow_up_rubrics] != list(q.follow_ups):
        found.append("follow_up_rubrics must hold one rubric per follow-up, same text, same order")
    for r in q.follow_up_rubrics:
        found.extend(_claims_problems(f"follow-up {r.question[:40]!r}", r.claims, r.key_points, 2, 4))
    return found


def _tiers(
    questions: list[BankQuestion],
    difficulty: Difficulty,
    track: Role,
    *,
    max_distance: int,
    min_distance: int,
) -> list[list[BankQuestion]]:
    """Candidate pools in preference order: nearer difficulty first, the role track before other roles."""
    level = DIFFICULTIES.index(difficulty)
    pools: list[list[BankQuestion]] = []
    for distance in range(min_distance, max_distance + 1):
        at = [q for q in questions if abs(DIFFICULTIES.index(q.difficulty) - level) == distance]
        pools.append([q for q in at if track in q.roles])
        pools.append([q for q in at if track not in q.roles])
    return pools


def _seeded_choice(candidates: list[BankQuestion], seed: int) -> BankQuestion:
    # Rendezvous hashing: each seed ranks the candidates independently of list order, and
    # removing a question that did not win never changes the winner.
    def score(q: BankQuestion) -> bytes:
        return hashlib.blake2b(f"{seed}:{q.id}".encode(), digest_size=8).digest()

    return min(candidates, key=score)


def _repeat_order(
    seen_order: dict[str, int], is_recent: Callable[[BankQuestion], bool]
) -> Callable[[BankQuestion], tuple[bool, int, str]]:
    """Order for repeating a question: not just asked, then least recently seen, then id."""

    def key(q: BankQuestion) -> tuple[bool, int, str]:
        return (is_recent(q), seen_order.get(q.id, -1), q.id)

    return key


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
