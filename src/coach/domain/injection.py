"""Find text in an answer that addresses the grader instead of the interviewer, and cut it out.

We look for imperatives aimed at the model (override, role-play, score requests), forged prompt
delimiters, fake score objects, and the same hidden in code comments, base64 or zero-width characters.
Answers that merely discuss prompt injection as a topic (quoting an attack, naming it) are not flagged.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata

import msgspec

__all__ = ["InjectionReport", "detect_injection"]


class InjectionReport(msgspec.Struct, frozen=True):
    """Whether an answer tried to steer the grader, why, and the answer with those spans removed."""

    flagged: bool
    reasons: list[str]
    cleaned: str


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e]")

# Who an injection talks to. Deliberately narrow ("reviewer", "model" are ordinary words in answers).
_GRADER = (
    r"(?:grader|evaluator|judge|scorer|examiner|ai|llm|assistant|gpt|chatgpt|claude|language model"
    r"|ai model|grading (?:model|system|bot))"
)
_TARGET = (
    r"(?:me|us|it|this(?: answer| response| submission| candidate| one)?"
    r"|the (?:answer|response|submission|candidate)|my (?:answer|response|submission))"
)
# A top score, not "10 seconds": only punctuation, the end, or a few glue words may follow the number.
_TOP = (
    r"(?:(?:a |an |the )?(?:10|ten|100)(?:\s*/\s*10|\s+out of \d+)?"
    r"(?=[ \t]*(?:\n|[^\w\s%]|$|(?:points?|marks?|score|and|please|because|since|for|as|so|now|regardless"
    r"|even|without|immediately|no matter)\b))"
    r"|full (?:marks|points|score)|(?:a |the )?(?:perfect|maximum|max|top|highest) (?:score|marks|grade"
    r"|rating))"
)


def _patterns(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in pairs)


_OVERRIDE = "instruction override"
_ROLE = "role reassignment"
_ADDRESS = "addresses the grader"
_SCORE = "asks for a score"
_PLAY = "role-play"

# Imperatives aimed at the model; a match is an injection unless it is quoted or described.
_DIRECTIVES = _patterns(
    (
        _OVERRIDE,
        r"\b(?:ignore|disregard|forget|override|bypass|skip|discard)\b[^.\n]{0,40}?"
        r"\b(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those|original"
        r"|system)\b[^.\n]{0,30}?"
        r"\b(?:instructions?|prompts?|rules?|directions?|guidelines?|rubrics?|criteria|context|constraints?)\b",
    ),
    (
        _OVERRIDE,
        r"\b(?:do not|don't|never) (?:follow|apply|use) (?:the|your|any) (?:rubric|instructions"
        r"|criteria)\b",
    ),
    (_OVERRIDE, r"\bnew instructions?\s*:"),
    (_OVERRIDE, r"\b(?:system|admin|developer) override\b"),
    (
        _ROLE,
        r"\byou are (?:now (?:a|an|the|my|acting|operating|unrestricted|free (?:of|from)|dan"
        r"|jailbroken)|no longer)\b",
    ),
    (_ROLE, r"\bfrom now on,? (?:you|your)\b"),
    (_ROLE, r"\byour new (?:role|task|instructions?|job)\b"),
    (_ADDRESS, rf"\bas (?:the|an|a) {_GRADER}\b"),
    (_ADDRESS, r"\bas the system(?:[,:]\s*(?:i|you|we)\b| (?:prompt|administrator|admin|operator)\b)"),
    (
        _ADDRESS,
        rf"\b(?:note|message|instructions?|memo|reminder|hint)s? (?:to|for) (?:the |any |an?"
        rf" )?{_GRADER}s?\b",
    ),
    (_ADDRESS, rf"\b(?:dear|hey|hi|hello|attention|attn)[,:]? (?:the )?(?:automated )?{_GRADER}s?\b"),
    # "Evaluator:" heading a line is also how a design names a component; only a directive makes it address.
    (
        _ADDRESS,
        rf"^\W*(?:to (?:the )?)?(?:automated )?{_GRADER}s?\s*[:,](?=[^\n]{{0,80}}\b(?:you|your|please|score"
        rf"|grade|marks?|points|rate|give|award|assign|ignore|treat|consider|pass|full|perfect)\b)",
    ),
    (
        _ADDRESS,
        rf"\b(?:i am|i'm|this is) (?:the|your) (?:system|developer|administrator|admin|operator"
        rf"|{_GRADER})\b",
    ),
    (
        _SCORE,
        rf"\b(?:give|award|assign|grant|hand)\s+{_TARGET}\s+(?:a |an |the )?(?:score|grade"
        rf"|rating)?(?: of)?\s*{_TOP}",
    ),
    (_SCORE, rf"\b(?:rate|score|grade|mark)\s+{_TARGET}\s+(?:as |at |with )?{_TOP}"),
    (
        _SCORE,
        rf"\b(?:deserves?|warrants?|merits?|should (?:get|receive|be given|score))\s+(?:a score of"
        rf" )?{_TOP}",
    ),
    (_SCORE, r"\b10\s*(?:/|out of)\s*10\b"),
    (
        _SCORE,
        r"\b(?:respond|reply|output|return"
        r"|print)\s+(?:only\s+)?(?:with\s+)?[^.\n]{0,25}\bscore\b[^.\n]{0,15}"
        r"\b(?:10|ten|100)\b",
    ),
    (_SCORE, r"\bmark (?:this|it|me|the answer) (?:as )?(?:correct|excellent|perfect|passing)\b"),
    (_PLAY, r"\bpretend (?:to be|you(?:'re| are)|that you)\b"),
    (_PLAY, r"\blet'?s play a game\b"),
    (_PLAY, r"\brole-?play (?:as|a game)\b"),
    (
        _PLAY,
        rf"\b(?:act|behave|respond) as (?:if you|though you|an? (?:unrestricted|lenient|generous) "
        rf"|(?:an? |the )?{_GRADER}\b)",
    ),
    (_PLAY, rf"\bimagine (?:that )?you(?:'re| are) (?:an? |the )?(?:lenient |generous |kind )?{_GRADER}\b"),
    (_PLAY, r"\b(?:developer|god|dan|jailbreak) mode\b"),
    (_PLAY, r"\byou will play the role\b"),
)

_ROLES = (
    r"(?:answer|response|candidate(?:_answer)?|input|user(?:_input)?|system|assistant|instructions?"
    r"|prompt|context|evaluation|grader|question)"
)
# Forgeries of prompt structure; never legitimate in an answer. What follows a forged end of the
# answer (or a new instructions section) is someone else speaking, so it is cut up to the end.
_ROLE_PREFIX = re.compile(r"^\s*(?:system|assistant|developer|grader|evaluator)\s*:.*$", re.I | re.M)
_TAG_BLOCK = re.compile(rf"<\s*({_ROLES})\s*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_FLAGS = re.IGNORECASE | re.MULTILINE
_LINE_FORGERIES: tuple[re.Pattern[str], ...] = (
    _ROLE_PREFIX,
    re.compile(rf"^\s*<\s*{_ROLES}\s*>\s*$", _FLAGS),
    re.compile(r"^[\[(=#*_ -]*(?:begin|start) of (?:the )?(?:answer|response|input|submission)\b.*$", _FLAGS),
)
_END_FORGERIES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p + r"(?s:.*)", _FLAGS)
    for p in (
        rf"^\s*<\s*/\s*{_ROLES}\s*>\s*$",
        r"^[\[(=#*_ -]*(?:end|close) of (?:the )?(?:candidate'?s? )?(?:answer|response|input|user input"
        r"|submission|instructions?|prompt|transcript)\b.*$",
        r"^\s*<<<.*$",
        r"^.*<<<\s*$",
        r"^\s*>>>\s*(?-i:[A-Z][A-Z _]*)?$",
        r"^\s*#{1,6}\s*(?:new |updated |additional |important )?(?:instructions?|system(?: prompt| message)?"
        r"|grader|evaluator|override|assistant)\s*:?\s*$",
        r"^\s*#{1,6}\s*(?:new |updated )?instructions?\b.*$",
        r"^.*(?:\[/?(?:INST|SYS)\]|<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|<</?SYS>>).*$",
        r"^\s*-{3,}\s*(?:end|begin|system|instructions?|grader|evaluator)\b.*$",
    )
)
_DELIMITERS = (_TAG_BLOCK, *_LINE_FORGERIES, *_END_FORGERIES)

_DISCUSSION = re.compile(
    r"\b(?:attack(?:er|ers|s)?|malicious|adversar\w*|injections?|jailbreak\w*|e\.g\.|such as|for example|"
    r"for instance|phrases? like|strings? like|payloads?|untrusted|sanitiz\w*|mitigat\w*|defen[cs]\w*|"
    r"detect\w*|classif\w*|red[- ]team\w*|filter\w*|an input like|someone (?:types|writes|submits)|"
    r"users? (?:might|could|may) (?:type|write|submit|paste))\b",
    re.IGNORECASE,
)
_QUOTES = '"“”`«»'

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/|<!--.*?-->|'''.*?'''|\"\"\".*?\"\"\"", re.DOTALL)
_LINE_COMMENT = re.compile(r"(?:(?<=\s)|^)(?:#|//|--)(?!-*>)[^\n]*", re.MULTILINE)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_JSON_OBJECT = re.compile(r"\{(?:[^{}]|\{[^{}]{0,200}\}){0,600}\}")
_SCORE_KEYS = frozenset({"score", "overall", "overall_score", "final_score", "grade", "rating", "total"})
_GRADER_KEYS = frozenset(
    {
        "feedback",
        "strengths",
        "improvements",
        "verdict",
        "evaluation",
        "skill_scores",
        "criteria",
        "justification",
        "rationale",
        "reasoning",
        "comment",
        "comments",
        "hire",
        "recommendation",
        "flags",
        "model",
        "passed",
        "pass",
    }
)
_SCORE_LINE = re.compile(
    r"^\W*(?:final |overall |total )?(?:score|grade|rating|evaluation)[\"']?"
    r"(?:\s*:\s*[\"']?(?:10|ten|100)\b|\s*=\s*10\s*/\s*10\b).*$",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[a-z][.!?])(?=[A-Z])|\n")


def _described(sentence: str, start: int) -> bool:
    """True when a match is quoted or introduced as an example of an attack, not addressed to us."""
    before = sentence[:start]
    if sum(before.count(q) for q in _QUOTES) % 2 == 1 or before.rstrip().endswith(("'", "\u2018")):
        return True
    return _DISCUSSION.search(before) is not None


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _directive(text: str) -> str | None:
    """The reason for the first undescribed directive in `text`, if any."""
    for start, end in _sentence_spans(text):
        sentence = text[start:end]
        for reason, pattern in _DIRECTIVES:
            for m in pattern.finditer(sentence):
                if not _described(sentence, m.start()):
                    return reason
    return None


def _decoded(token: str) -> str | None:
    """Decode a plausible base64 token into readable text, or None."""
    padded = token + "=" * (-len(token) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\t")
    if not text or printable / len(text) < 0.95 or " " not in text:
        return None
    return text


def _is_score_object(blob: str) -> bool:
    try:
        data = json.loads(blob)
    except ValueError:
        keys = {k.lower() for k in re.findall(r"[\"']?(\w+)[\"']?\s*:", blob)}
    else:
        if not isinstance(data, dict):
            return False
        keys = {str(k).lower() for k in data}
    return bool(keys & _SCORE_KEYS) and bool(keys & _GRADER_KEYS)


class _Finder:
    """Collects offending spans of one answer and the reasons they were cut."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.reasons: list[str] = []

    def add(self, start: int, end: int, reason: str) -> None:
        self.spans.append((start, end))
        if reason not in self.reasons:
            self.reasons.append(reason)

    def masked(self) -> str:
        """The text with spans already cut blanked out, so later passes do not find them again."""
        chars = list(self.text)
        for a, b in self.spans:
            chars[a:b] = " " * (b - a)
        return "".join(chars)

    def scan(self) -> None:
        text = self.text
        for m in _BLOCK_COMMENT.finditer(text):
            reason = _directive(m.group())
            if reason:
                self.add(m.start(), m.end(), f"{reason} (in a code comment)")
        for m in _LINE_COMMENT.finditer(self.masked()):
            reason = _directive(m.group().lstrip("#/- "))
            if reason:
                self.add(m.start(), m.end(), f"{reason} (in a code comment)")
        for m in _BASE64.finditer(self.masked()):
            decoded = _decoded(m.group())
            if decoded and (_directive(decoded) or _SCORE_LINE.search(decoded) or _forged(decoded)):
                self.add(m.start(), m.end(), "instruction hidden in base64")
        for m in _JSON_OBJECT.finditer(self.masked()):
            if _is_score_object(m.group()):
                self.add(m.start(), m.end(), "fake score object")
        for m in _SCORE_LINE.finditer(self.masked()):
            self.add(m.start(), m.end(), "fake score line")
        for pattern in _DELIMITERS:
            for m in pattern.finditer(self.masked()):
                self.add(m.start(), m.end(), "forged prompt delimiter")
        masked = self.masked()
        for start, end in _sentence_spans(masked):
            reason = _directive(masked[start:end])
            if reason:
                self.add(start, end, reason)

    def cleaned(self) -> str:
        keep: list[str] = []
        pos = 0
        for start, end in sorted(self.spans):
            if start > pos:
                keep.append(self.text[pos:start])
            pos = max(pos, end)
        keep.append(self.text[pos:])
        out = "".join(keep)
        out = re.sub(r"[ \t]+\n", "\n", out)
        out = re.sub(r"\n{3,}", "\n\n", out)
        return re.sub(r"(?<=\S)[ \t]{2,}", " ", out).strip()


def _forged(text: str) -> bool:
    return any(p.search(text) for p in _DELIMITERS)


def detect_injection(answer: str) -> InjectionReport:
    """Flag text addressed to the grader or model; `cleaned` is the answer without it."""
    reasons: list[str] = []
    text = answer
    if _ZERO_WIDTH.search(text):
        reasons.append("zero-width characters")
        text = _ZERO_WIDTH.sub("", text)
    # Fullwidth letters and similar compatibility forms would otherwise dodge the patterns.
    text = unicodedata.normalize("NFKC", text)
    finder = _Finder(text)
    finder.scan()
    reasons.extend(r for r in finder.reasons if r not in reasons)
    cleaned = finder.cleaned() if finder.spans else text.strip()
    return InjectionReport(flagged=bool(reasons), reasons=reasons, cleaned=cleaned)
