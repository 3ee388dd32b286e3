"""Measure one answer against its rubric: evidence per claim, misconceptions and the guards (pure).

The order is the design's: injected text is cut first; then each sentence is weighed (a clause
can carry a claim, a list of terms cannot); claims are matched in meaning; misconceptions cost
points; and the guards cap the score whatever the matching found: another question's answer,
a pasted question, a list of terms, a non-answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from coach.domain.bank import Criterion, Misconception
from coach.domain.evaluator.address import without_grader_text
from coach.domain.evaluator.evidence import (
    ClaimEvidence,
    MisconceptionHit,
    claim_evidence,
    misconception_hits,
)
from coach.domain.evaluator.quality import Quality, assess_quality
from coach.domain.evaluator.semantic import Embedder, Vector, cosine, mean_vector
from coach.domain.evaluator.structure import StructureResult, looks_like_code, structure_of
from coach.domain.evaluator.text import content_tokens, normalise
from coach.domain.evaluator.topic import TopicIndex, TopicVerdict, other_wins
from coach.domain.evaluator.units import Unit, split_units
from coach.domain.injection import detect_injection
from coach.domain.kinds import QuestionType
from coach.domain.questions import AnswerRequest

__all__ = ["Analysis", "CriterionResult", "analyse", "rubric_claims", "scale"]

REPEAT = 0.8
"""Two sentences this close say the same thing: the second adds length, not content."""
RESTATES_QUESTION = 0.8
CODE_WEIGHT = 0.6
"""Code shows an approach but explains less than a sentence does; tests judge its correctness."""
CURVE = 1.6
"""Above 1: the last claims an excellent answer makes are what separates it from a fair one."""
FULL: dict[QuestionType, float] = {
    "behavioral": 0.52,
    "coding": 0.45,
    "system_design": 0.46,
    "technical": 0.68,
}
"""The measure that earns full marks, by kind: how close a paraphrase comes to a claim differs by kind
(a story is further from the competency it shows than an explanation from its claim). Calibrated on
the graded corpora (docs/evaluator.md): an excellent answer of each kind measures about this much."""
BREADTH_SHARE = 0.2
BREADTH_FULL = 8
FOLLOW_UP_BREADTH = 3
"""A follow-up asks one thing: three sentences of evidence answer it fully."""
"""Beside the claims covered, how many sentences of the answer carry evidence (up to this many)."""
STRUCTURE_SHARE = 0.2
"""Behavioral answers: the story's shape (situation, own actions, result, lesson) beside its claims."""
MISCONCEPTION_PENALTY = 2.0
MISCONCEPTION_EXTRA = 1.0
MISCONCEPTION_CAP = 4.5
INJECTION_PENALTY = 1.0
WASTE_POINTS = 4.0
"""Points lost per unit share of wasted sentences, beside the share itself: padding never pays."""
EVIDENCE = 0.3
"""A sentence supporting some claim at least this well counts as evidence."""
LIST_SHARE = 0.5
"""From this share of an answer's words in lists of terms, it is a list, not an answer."""

CAPS: dict[str, float] = {
    "empty": 0.0,
    "gibberish": 0.5,
    "no_answer": 1.0,
    "echoes_question": 1.0,
    "other_question": 2.0,
    "list_of_terms": 2.0,
}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion: the evidence for each of its claims and the share it covers (0-1)."""

    criterion: Criterion
    evidence: list[ClaimEvidence]
    coverage: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything measured about one answer, and the score it earns."""

    criteria: list[CriterionResult]
    misconceptions: list[MisconceptionHit]
    structure: StructureResult | None
    quality: Quality
    topic: TopicVerdict | None
    injected: bool
    injection_reasons: list[str]
    waste: float
    """Share of sentences that repeat, restate the question or are filler."""
    coverage: float
    base: float
    """Coverage with the story's shape blended in (behavioral): what the score is computed from."""
    cap: float
    score: float
    flags: list[str] = field(default_factory=list)


def rubric_claims(criterion: Criterion) -> list[tuple[str, str]]:
    """(claim, label) pairs; a rubric without claims (an LLM-written one) uses its strong anchor and key points."""
    if criterion.claims:
        labels = list(criterion.key_points) + list(criterion.claims[len(criterion.key_points) :])
        return list(zip(criterion.claims, labels, strict=False))
    pairs = [(k, k) for k in criterion.key_points]
    return [(criterion.strong, criterion.name.lower()), *pairs] if criterion.strong else pairs


def _code_units(code: str) -> list[Unit]:
    """Code in chunks of a few lines, as units that can support a claim a little."""
    lines = [line for line in code.split("\n") if line.strip()]
    chunks = ["\n".join(lines[i : i + 12]) for i in range(0, len(lines), 12)]
    return [Unit(c, "comment", len(c.split()), CODE_WEIGHT, False, False) for c in chunks]


def analyse(
    request: AnswerRequest,
    embedder: Embedder,
    topics: TopicIndex | None,
    rubric_of: Callable[[str], list[Criterion]] | None = None,
) -> Analysis:
    """Measure `request.answer` against its rubric; `topics` and `rubric_of` (the bank) find another question's answer."""
    meta = request.meta
    report = detect_injection(request.answer)
    text = report.cleaned if report.flagged else request.answer
    reasons = list(report.reasons)
    text, dropped = without_grader_text(text)
    if dropped:
        reasons.append("text addressed to the grader")
    injected = report.flagged or bool(dropped)
    units, code = split_units(text)
    is_code = bool(code.strip()) or looks_like_code(text)
    vectors = embedder.embed([u.text for u in units]) if units else []

    question_vectors = embedder.embed([s for s in _question_sentences(request.question)] or [meta.title])
    claim_vectors = embedder.embed([c for r in meta.rubric for c, _ in rubric_claims(r)])
    usable: list[Unit] = []
    usable_vectors: list[Vector] = []
    wasted = 0
    for unit, vector in zip(units, vectors, strict=True):
        repeat = any(cosine(vector, v) >= REPEAT for v in usable_vectors)
        # Restating the question is padding, unless the sentence is nearer still to a claim it makes.
        to_question = max((cosine(vector, q) for q in question_vectors), default=0.0)
        to_claims = max((cosine(vector, c) for c in claim_vectors), default=0.0)
        restates = to_question >= RESTATES_QUESTION and to_question > to_claims
        if repeat or restates or _filler_only(unit) or _RESAYS.search(unit.text):
            wasted += 1
            continue
        if _PADDING.search(unit.text) or _META.search(unit.text):
            wasted += 1  # stock padding costs, though the sentence may still say something
        usable.append(unit)
        usable_vectors.append(vector)
    code_units = _code_units(code) if code.strip() else []
    if code_units:
        usable += code_units
        usable_vectors += embedder.embed([u.text for u in code_units])

    story = meta.kind == "behavioral"
    results = _criteria(meta.rubric, embedder, usable, usable_vectors, story)
    coverage = _coverage(results)

    correct = [c for r in meta.rubric for c, _ in rubric_claims(r)]
    # Every sentence, repeats included: saying a wrong thing twice does not make it right.
    hits = _misconceptions(meta.misconceptions, correct, embedder, units, vectors)
    structure = None
    evidence_sentences = {e.quote for r in results for e in r.evidence if e.support >= EVIDENCE and e.quote}
    breadth_full = FOLLOW_UP_BREADTH if meta.follow_up_of is not None else BREADTH_FULL
    breadth = min(1.0, len(evidence_sentences) / breadth_full)
    base = (1 - BREADTH_SHARE) * coverage + BREADTH_SHARE * breadth
    if meta.kind == "behavioral":
        narrative = " ".join(u.text for u in usable if u.weight >= 1.0)
        structure = structure_of("behavioral", normalise(narrative))
        base = (1 - STRUCTURE_SHARE) * base + STRUCTURE_SHARE * structure.score
    question_tokens = frozenset(content_tokens(f"{request.question} {meta.title}"))
    quality = assess_quality(text, f"{meta.title}. {request.question}", question_tokens, is_code=is_code)
    topic = None
    prose_vectors = [v for u, v in zip(usable, usable_vectors, strict=True) if u.weight >= 0.4]
    if topics is not None and rubric_of is not None and meta.follow_up_of is None and prose_vectors:
        asked = embedder.embed([meta.title])[0]
        topic = TopicVerdict(coverage)
        for qid, title in topics.nearer(mean_vector(prose_vectors), meta.bank_id, asked):
            other = _coverage(_criteria(rubric_of(qid), embedder, usable, usable_vectors, story))
            if other_wins(coverage, other) and other > topic.other_coverage:
                topic = TopicVerdict(coverage, qid, title, other)

    flags: list[str] = []
    total_units = len(units) + (1 if code_units else 0)
    waste = min(0.6, wasted / total_units) if total_units else 0.0
    score = scale(base, meta.kind)
    score = score * (1.0 - waste) - WASTE_POINTS * waste
    if waste >= 0.25:
        flags.append("padded")
    cap = 10.0
    if hits:
        flags.append("misconception")
        score -= MISCONCEPTION_PENALTY + MISCONCEPTION_EXTRA * (len(hits) - 1)
        cap = MISCONCEPTION_CAP
    if injected:
        flags.append("prompt_injection")
        score -= INJECTION_PENALTY
    for flag in _guards(quality, units, topic):
        flags.append(flag)
        cap = min(cap, CAPS[flag])
    score = max(0.0, min(score, cap))
    return Analysis(
        results, hits, structure, quality, topic, injected, reasons, waste, coverage, base, cap, score, flags
    )


def scale(measure: float, kind: QuestionType) -> float:
    """A 0-1 measure of evidence on the 0-10 scale, before penalties and caps: full marks at FULL[kind]."""
    return float(10.0 * min(1.0, measure / FULL[kind]) ** CURVE)


def _criteria(
    rubric: list[Criterion], embedder: Embedder, units: list[Unit], vectors: list[Vector], story: bool
) -> list[CriterionResult]:
    owners = [(criterion, pair) for criterion in rubric for pair in rubric_claims(criterion)]
    pairs = [pair for _, pair in owners]
    claim_vectors = embedder.embed([c for c, _ in pairs]) if pairs else []
    found = claim_evidence(pairs, claim_vectors, units, vectors, story=story)
    results = []
    for criterion in rubric:
        evidence = [e for (owner, _), e in zip(owners, found, strict=True) if owner is criterion]
        coverage = sum(e.support for e in evidence) / len(evidence) if evidence else 0.0
        results.append(CriterionResult(criterion, evidence, coverage))
    return results


def _coverage(results: list[CriterionResult]) -> float:
    total_weight = sum(max(0.0, r.criterion.weight) for r in results) or 1.0
    return sum(max(0.0, r.criterion.weight) * r.coverage for r in results) / total_weight


_RESAYS = re.compile(
    r"\b(great question|good question|to answer (the|your) question|let me tell you about|to sum (it )?up|"
    r"in summary|in conclusion|to recap|so overall|all in all|long story short|as i (said|mentioned)|"
    r"like i said|as (mentioned|stated) (above|before|earlier))\b",
    re.IGNORECASE,
)
"""Sentences that say again what was said (a summary, a restated question): they cost, and earn nothing."""
_PADDING = re.compile(
    r"\b(basically|essentially|at the end of the day|key takeaway|really,? really|very,? very|"
    r"needless to say|it goes without saying|that'?s (a|an) (important|interesting)|"
    r"i (would|'d) like to (say|mention|add)|to be honest|honestly)\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"\b(you asked|the question (is|was|asks)|this question|your question|"
    r"(i'?ll|let me|i will|i'?m going to) (describe|explain|start|compare|cover|walk|go through|tell|give|pick)|"
    r"to summari[sz]e|in short|in a nutshell|to (come|go) back to|so again|once more|to wrap up|the bottom line|"
    r"(that|this)'?s (basically |really )?(it|the answer|my example|how i)\b|(those|these) are the (main|key)|"
    r"that covers|(is|are) (a |an |one of the )?(really |very |most |super )*(important|fundamental|common|core|classic)"
    r"( and \w+)? (concept|problem|question|practice|part|thing|topic|mistake|data structure)s?)\b",
    re.IGNORECASE,
)
"""Talk about the answer instead of its subject: signposts, recaps, and "X is a really important concept"."""
_FILLER_WORDS = frozenset(
    [
        "great",
        "question",
        "basically",
        "honestly",
        "so",
        "yeah",
        "well",
        "um",
        "uh",
        "like",
        "okay",
        "ok",
        "right",
        "anyway",
    ]
)


def _filler_only(unit: Unit) -> bool:
    tokens = content_tokens(unit.text)
    return bool(tokens) and all(t in _FILLER_WORDS for t in tokens)


def _question_sentences(question: str) -> list[str]:
    units, _ = split_units(question)
    return [u.text for u in units if u.words >= 4]


def _misconceptions(
    misconceptions: list[Misconception],
    correct: list[str],
    embedder: Embedder,
    units: list[Unit],
    vectors: list[Vector],
) -> list[MisconceptionHit]:
    """Misconceptions asserted: each correction's sentences and the rubric's claims are what is true."""
    if not misconceptions or not units:
        return []
    truths = [
        embedder.embed([*(u.text for u in split_units(m.correction)[0]), *correct]) for m in misconceptions
    ]
    truth_tokens = [frozenset(content_tokens(" ".join([m.correction, *correct]))) for m in misconceptions]
    pairs = [(m.claim, m.correction) for m in misconceptions]
    claim_vectors = embedder.embed([m.claim for m in misconceptions])
    return misconception_hits(pairs, claim_vectors, truths, truth_tokens, units, vectors)


def _guards(quality: Quality, units: list[Unit], topic: TopicVerdict | None) -> list[str]:
    """The caps that apply: a non-answer, a pasted question, a list of terms, another question's answer."""
    if quality.empty:
        return ["empty"]
    if not units:
        return []  # code alone: the tests judge it, not these guards
    if quality.gibberish:
        return ["gibberish"]
    if quality.idk:
        return ["no_answer"]
    if quality.echo:
        return ["echoes_question"]
    found = []
    prose = [u for u in units if u.source == "prose"] or units
    words = sum(u.words for u in prose)
    listed = sum(u.words * (1.0 - u.weight) for u in prose if u.list_like or u.weight == 0.0)
    if words and listed / words >= LIST_SHARE:
        found.append("list_of_terms")
    if topic is not None and topic.other_id is not None:
        found.append("other_question")
    return found
