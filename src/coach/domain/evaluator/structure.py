"""Whether an answer has the shape its question kind calls for (STAR, approach/complexity/tests, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain.kinds import QuestionType

__all__ = ["STRUCTURE", "Element", "StructureResult", "looks_like_code", "structure_of"]


@dataclass(frozen=True, slots=True)
class Element:
    """One part of a well-shaped answer and the cues that show it is there."""

    name: str
    advice: str
    cues: re.Pattern[str]


def _el(name: str, advice: str, *cues: str) -> Element:
    return Element(name, advice, re.compile("|".join(cues), re.MULTILINE))


_TRADEOFF = (
    r"tradeoff",
    r"\bversus\b",
    r"\bvs\.?\b",
    r"\bdownside",
    r"\bdrawback",
    r"\bat the cost",
    r"\binstead of\b",
    r"\bcost(s)? of\b",
    r"\bpros\b",
    r"\bcons\b",
    r"\bbut (it|this|that)\b",
    r"\bhowever\b",
    r"\bon the other hand\b",
    r"\bcheaper\b",
    r"\bslower\b",
    r"\bworse\b",
)

STRUCTURE: dict[QuestionType, tuple[Element, ...]] = {
    "behavioral": (
        _el(
            "situation",
            "set the scene (where, when, what was at stake)",
            r"\b(at|in) my (previous|last|current|first) (job|role|team|company)",
            r"\bwhen i was\b",
            r"\b(last|this|that) (year|quarter|month|sprint)\b",
            r"\bour team\b",
            r"\bat \w+,? (i|we)\b",
            r"\bwe were\b",
            r"\bworking on\b",
            r"\bproject\b",
            r"\bcontext\b",
            r"\bsituation\b",
            r"\bback (then|in)\b",
            r"\byears? ago\b",
            r"\bwe had\b",
            r"\bthere was\b",
            r"\bonce\b",
            r"\b(teammate|coworker|colleague|client|customer|manager)s?\b",
            r"\bat my \w+\b",
        ),
        _el(
            "task",
            "say what you were responsible for",
            r"\bmy (role|job|task|responsibilit\w*"
            r"|goal)\b",
            r"\bi was (responsible|asked|tasked|assigned|the)\b",
            r"\bi (had|needed) to\b",
            r"\bwe (had|needed) to\b",
            r"\bthe goal\b",
            r"\bdeadline\b",
            r"\bi owned\b",
            r"\bmy part\b",
        ),
        _el(
            "action",
            "describe what you yourself did, step by step",
            r"\bi (decided|proposed|built|wrote|set up|talked|asked|started|created|added|met|scheduled|"
            r"reached out|paired|split|broke|pushed|suggested|drafted|ran|rolled|reproduced|traced|"
            r"spent|made|fixed|called|sat down|organised|organized|introduced|reviewed|moved|cut|"
            r"escalated|flagged|told|explained|shared|prototyped|measured|benchmarked|read|took)\b",
            r"\bfirst,? i\b",
            r"\bthen i\b",
            r"\bso i\b",
            r"\bi \w+ed\b",
            r"\bwe (\w+ed|made|built|took)\b",
        ),
        _el(
            "result",
            "give the outcome, with numbers if you have them",
            r"\bas a result\b",
            r"\bresult(ed)?\b",
            r"\boutcome\b",
            r"\bin the end\b",
            r"\bend(ed)? up\b",
            r"\b(reduced|improved|cut|saved|increased|dropped|shipped|launched|delivered)\b",
            r"\d+ ?%",
            r"\bpercent\b",
            r"\bon time\b",
            r"\bafterwards\b",
            r"\bworked out\b",
            r"\bwent away\b",
            r"\bfixed\b",
            r"\bso we went with\b",
            r"\bhappy\b",
            r"\bsince then\b",
        ),
        _el(
            "reflection",
            "close with what you learned or would do differently",
            r"\blearn(ed|t)\b",
            r"\blesson\b",
            r"\bin hindsight\b",
            r"\bnext time\b",
            r"\bwould do differently\b",
            r"\bi now\b",
            r"\bsince then\b",
            r"\btaught me\b",
            r"\brealis|\brealiz",
            r"\blooking back\b",
            r"\btakeaway\b",
        ),
    ),
    "coding": (
        _el(
            "approach",
            "state the approach before the code",
            r"\bapproach\b",
            r"\bidea\b",
            r"\b(iterate|walk|scan|loop|traverse|recurs)\w*",
            r"\b(keep|maintain|track|store)\b",
            r"\bi(?:'d| would| will)\b",
            r"\balgorithm\b",
            r"\bstack\b",
            r"\bhashmap\b",
            r"\bdp\b",
            r"\bbfs\b",
            r"\bdfs\b",
            r"\bsort\w*\b",
        ),
        _el(
            "complexity",
            "state the time and space complexity",
            r"\bo\(",
            r"complexity",
            r"lineartime",
            r"constanttime",
            r"\blogtime\b",
            r"\bnlogn\b",
            r"\bquadratic\b",
            r"\bspace\b",
            r"\bamortized\b",
            r"\bruntime\b",
        ),
        _el(
            "edge cases",
            "name the edge cases (empty input, duplicates, bounds)",
            r"edgecase",
            r"\bempty\b",
            r"\bnull\b",
            r"\bduplicate",
            r"\bnegative\b",
            r"\boverflow\b",
            r"\bsingle (element|node|item|character)\b",
            r"\bzero\b",
            r"\bcycle\b",
            r"\bunreachable\b",
            r"\bout of (range|bounds)\b",
            r"\bboundar",
        ),
        _el(
            "tests",
            "say how you would test it",
            r"\btest",
            r"\bassert\b",
            r"\bexample\b",
            r"\bwalk(ed)? through\b",
            r"\bdry[- ]run\b",
            r"\bverify\b",
            r"\binput\b.*\boutput\b",
            r"\bexpect",
        ),
        _el(
            "code",
            "write the code, not only the idea",
            r"\bdef \w+\(",
            r"\bfunction\b",
            r"\breturn\b",
            r"\bfor \w+ in\b",
            r"\bfor ?\(",
            r"\bwhile\b",
            r"[{};]\s*$",
            r"=>",
            r"\bfunc \w+",
            r"\bpublic \w+",
            r":=",
            r"\bif \w+.*:\s*$",
        ),
    ),
    "system_design": (
        _el(
            "requirements",
            "start from functional and non-functional requirements",
            r"\brequirement",
            r"\bfunctional\b",
            r"\bavailability\b",
            r"\bconsisten",
            r"\blatency\b",
            r"\bsla\b",
            r"\bslo\b",
            r"\bneeds? to\b",
            r"\bmust\b",
            r"\bscope\b",
            r"\bclarify",
        ),
        _el(
            "estimates",
            "size the system with rough numbers",
            r"\bqps\b",
            r"\d+\s*(k|m|b|million|billion|thousand|gb|tb|pb|mb)\b",
            r"\bper (day|second|month)\b",
            r"\bestimat",
            r"\bback[- ]of[- ]the[- ]envelope\b",
            r"\bthroughput\b",
            r"\bstorage\b",
        ),
        _el(
            "components",
            "name the components and how data flows between them",
            r"loadbalancer",
            r"\bcache\b",
            r"\bdatabase\b",
            r"\bqueue\b",
            r"\bservice\b",
            r"\bapi\b",
            r"\bcdn\b",
            r"\bshard",
            r"\breplica",
            r"\bworker",
            r"\bgateway\b",
            r"\bkafka\b",
            r"\bredis\b",
        ),
        _el("trade-offs", "weigh the trade-offs of your choices", *_TRADEOFF),
    ),
    "technical": (
        _el(
            "definition",
            "start with a crisp definition",
            r"\b(is|are) (a|an|the|when|how|what)\b",
            r"\brefers? to\b",
            r"\bmeans\b",
            r"\bdefined as\b",
            r"\bstands for\b",
            r"\bis basically\b",
            r"\bguarantees?\b",
        ),
        _el(
            "mechanism",
            "explain how it works underneath",
            r"\bworks by\b",
            r"\bunder the hood\b",
            r"\binternally\b",
            r"\bbecause\b",
            r"\bso that\b",
            r"\bwhich\b",
            r"\bthen\b",
            r"\bfirst\b",
            r"\bstores?\b",
            r"\bcomputes?\b",
            r"\bwhen\b",
        ),
        _el(
            "example",
            "give a concrete example",
            r"\bexample\b",
            r"\bsuch as\b",
            r"\bimagine\b",
            r"\bsay you\b",
            r"\bsuppose\b",
            r"\blike a\b",
            r"\bif (a|an|the|you|two|one)\b",
            r"`",
        ),
        _el(
            "trade-offs",
            "weigh trade-offs and when to use it",
            *_TRADEOFF,
            r"\bwhen to\b",
            r"\bcost\b",
            r"\bworst\b",
            r"\bavoid\b",
            r"\bonly (if|when)\b",
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class StructureResult:
    """Share (0-1) of the expected elements present, and which are missing."""

    score: float
    present: list[str]
    missing: list[Element]


_CODE_LINE = re.compile(
    r"^\s*(def |class |return\b|for .+:|while .+:|if .+:|function |const |let |var |func |public |private |"
    r"[\w.\[\]]+\s*(=|\+=|-=|:=)\s*\S|}|\w+\(.*\)\s*;?\s*$)",
    re.MULTILINE,
)


def looks_like_code(text: str) -> bool:
    """True when at least three lines look like source code."""
    return len(_CODE_LINE.findall(text)) >= 3


def structure_of(kind: QuestionType, normalised: str) -> StructureResult:
    """Check a normalised answer for the elements its kind calls for."""
    elements = STRUCTURE[kind]
    present = [e.name for e in elements if e.cues.search(normalised)]
    missing = [e for e in elements if e.name not in present]
    return StructureResult(len(present) / len(elements), present, missing)
