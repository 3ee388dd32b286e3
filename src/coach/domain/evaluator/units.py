"""Split an answer into the sentences a grader reads, and tell a claim from a list of terms (pure).

A claim needs a clause: a subject doing or being something ("chaining keeps a list per bucket").
Bare terms ("separate chaining, open addressing, load factor"), with or without articles, carry no
claim however many rubric words they contain, so they earn nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["Unit", "split_units"]

Source = Literal["prose", "comment"]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))
_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_CODE_LINE = re.compile(
    r"^\s*(def |class |return\b|for\b.*[:{]\s*$|while\b.*[:{]\s*$|if\b.*[:{]\s*$|elif |else\s*[:{]|"
    r"function\b|const |let |var |func |public |private |static |import |package |from \S+ import|"
    r"[\w.\[\]]+\s*(=|\+=|-=|:=|\*=)\s*\S|[{}()\[\];]+\s*$|\w[\w.]*\(.*\)\s*;?\s*$|#include|@\w+)"
)
_LINE_COMMENT = re.compile(r"(?:#|//)\s?(.*)$")
_BLOCK_COMMENT = re.compile(r"/\*(.*?)\*/|\"\"\"(.*?)\"\"\"|'''(.*?)'''", re.DOTALL)
_STRING = re.compile(r"\"([^\"\n]{12,})\"|'([^'\n]{12,})'|`([^`\n]{12,})`")
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[.!?])\s*\n|\n\s*\n|\n(?=\s*[-*•·]|\s*\d+[.)]\s)"
)
_BULLET = re.compile(r"^\s*(?:[-*•·]+|\d+[.)])\s*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d+(?:\.\d+)?")

# Words that make a clause: copulas, auxiliaries and modals, and contractions of them.
_AUX = _wordset(
    """is are was were be been being am isn't aren't wasn't weren't has have had hasn't haven't hadn't
    do does did don't doesn't didn't can could cannot can't couldn't will would won't wouldn't should
    shouldn't shall may might must mustn't need needs needed it's that's there's here's what's we're
    they're you're i'm he's she's we've they've i've you've i'd we'd they'd i'll we'll they'll it'll
    let's gets got get"""
)
_SUBJECTS = _wordset("i we you they he she it this that which who everyone nobody someone one")
_DETERMINERS = _wordset("a an the each every any some no its their our my your his her")
# Common verbs in answers, as base forms; inflections are derived below.
_VERB_BASES = """
accept add adjust agree allow analyse analyze apply argue ask assign assume avoid balance become begin
block break bring build buy call cap catch cause change check choose claim clean close collect combine
come commit compare compute configure confirm consider contain continue control convert copy cost count
cover create cut debug decide define delete deliver deploy depend describe design detect determine
disagree discover discuss divide double drop ensure estimate evict expect expire explain expose extend
fail fall feed fetch fill find finish fit fix flag flush follow force forget form gain give go grow
guarantee guess handle happen hash hear help hide hit hold identify ignore implement improve include
increase index insert introduce invalidate iterate join keep kill know land last lead learn leave let
limit link list listen live load lock look lose maintain make manage map mark match mean measure meet
merge migrate miss move need notice offer open order own pass pay pick place plan point poll prefer
prepare prevent process produce propose protect prove provide publish pull push put query queue raise
reach read realise realize reason rebuild receive recover reduce refuse reject release rely remove
repeat replace replicate report request require reset resolve respond restart retry return reuse review
rewrite roll route run save scale scan schedule see seem select send separate serve set share shift
ship show shrink sit skip slow solve sort speak split start stay step stop store stream succeed suggest
support switch take talk teach tell test think throttle time touch track trade traverse treat trigger
trust try turn understand update upgrade use validate verify visit wait walk want warn watch win work
worry write
"""
_IRREGULAR = _wordset(
    """goes began begun broke broken brought built bought caught chose chosen came cut dealt did done drew
    drove ate fell felt fought found flew forgot forgave froze gave given went gone grew grown heard held
    hid hit hurt kept knew known laid led left lent lost made meant met paid put quit ran rang read rode
    rose said saw seen sent set shook shot showed shown shut sang sat slept spent split spoke stood stole
    stuck struck swore took taken taught tore told thought threw thrown understood woke wore won wrote
    written"""
)


def _inflections(base: str) -> set[str]:
    forms = {base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d"}
    elif base.endswith("y") and base[-2:-1] not in set("aeiou"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed"}
    else:
        forms |= {base + "s", base + "ed"}
        if re.fullmatch(r".*[^aeiou][aeiou][bdgmnprt]", base) and len(base) <= 5:
            forms.add(base + base[-1] + "ed")
    return forms


_VERBS: frozenset[str] = (
    frozenset(form for base in _VERB_BASES.split() for form in _inflections(base)) | _IRREGULAR
)
_FINITE: frozenset[str] = (
    frozenset(
        form for form in _VERBS if form.endswith(("s", "d")) and form not in {"process", "access", "address"}
    )
    | _IRREGULAR
)
# Relations that carry reasoning even in a verbless fragment ("O(n) because each key is seen once").
_RELATIONS = re.compile(
    r"\b(because|since|so that|therefore|thus|hence|unless|otherwise|instead of|rather than|in order to|"
    r"which means|leads? to|results? in|due to)\b|->|→|=>"
)
_MEASURE = re.compile(r"\bO\([^)]*\)|\d")
_NEGATORS = re.compile(
    r"\b(not|no|never|cannot|can't|won't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|shouldn't|"
    r"wouldn't|couldn't|hasn't|haven't|without|neither|nor|nothing|impossible)\b|n't\b"
)
_ITEM_SPLIT = re.compile(r"\s*(?:[,;|]|\band\b|\bor\b|\bplus\b|&)\s*")
_LIST_LEAD = re.compile(r"^[^:]{0,60}:\s*")
_BARE_LIST_MIN_ITEMS = 3
_TERM_WORDS = 5
_LONG_RUN = 6
_LONG_TERM_WORDS = 8
_CODE_ITEM = re.compile(r"\w\s*[=<>]=?\s*\w|[\[\]{}]|\w\.\w+\(")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of an answer, as the grader weighs it."""

    text: str
    source: Source
    words: int
    weight: float
    """How much this sentence can earn: 1 for a clause, 0 for a term or a list of terms."""
    negated: bool
    """The sentence negates (not, never, cannot…): it denies what it names."""
    list_like: bool
    concrete: bool = True
    """Tells what happened (a past action, a number, a name) rather than what one "always" does."""


def split_units(answer: str) -> tuple[list[Unit], str]:
    """The answer's prose sentences and code comments as units, and its code with comments removed."""
    text = unicodedata.normalize("NFKC", answer).translate(_ZERO_WIDTH).replace("\r\n", "\n")
    prose_parts: list[str] = []
    comments: list[str] = []
    code_lines: list[str] = []
    last = 0
    for fence in _FENCE.finditer(text):
        prose_parts.append(text[last : fence.start()])
        _take_code(fence.group(1), comments, code_lines)
        last = fence.end()
    rest = text[last:]
    lines = rest.split("\n")
    code_like = [bool(_CODE_LINE.match(line)) for line in lines]
    if sum(code_like) >= 3:
        block: list[str] = []
        for line, is_code in zip(lines, code_like, strict=True):
            stripped = line.strip()
            if is_code or (block and (line.startswith((" ", "\t")) or stripped.startswith(("#", "//", "*")))):
                block.append(line)
            else:
                if block:
                    _take_code("\n".join(block), comments, code_lines)
                    block = []
                prose_parts.append(line)
        if block:
            _take_code("\n".join(block), comments, code_lines)
    else:
        prose_parts.append(rest)
    units = [_unit(s, "prose") for part in prose_parts for s in _sentences(part)]
    units += [_unit(s, "comment") for c in comments for s in _sentences(c)]
    return [u for u in units if u.words > 0], "\n".join(code_lines)


def _take_code(code: str, comments: list[str], code_lines: list[str]) -> None:
    for match in _BLOCK_COMMENT.finditer(code):
        body = next(g for g in match.groups() if g is not None)
        # One comment, however many lines: drop the " * " margins and read it as prose.
        comments.append(" ".join(re.sub(r"^\s*\*+\s?", "", line) for line in body.split("\n")))
    code = _BLOCK_COMMENT.sub("", code)
    for line in code.split("\n"):
        found = _LINE_COMMENT.search(line)
        if found and not re.search(r"[\"'][^\"']*(#|//)", line[: found.start() + 1]):
            comments.append(found.group(1))
            line = line[: found.start()]
        for literal in _STRING.finditer(line):
            value = next(g for g in literal.groups() if g is not None)
            if len(value.split()) >= 4:
                comments.append(value)
        if line.strip():
            code_lines.append(line)


def _sentences(text: str) -> list[str]:
    out = []
    for piece in _SENTENCE_END.split(text):
        piece = _BULLET.sub("", " ".join(piece.split()))
        if piece:
            out.append(piece)
    return out


def _words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def _has_clause(tokens: list[str], *, strict: bool = False) -> bool:
    """Whether the words form a clause; `strict` (for list items) needs an auxiliary or a pronoun subject."""
    if not strict and tokens and tokens[0] in _VERBS:
        return True  # an imperative: "Sort the intervals by start", "Keep two pointers"
    for i, w in enumerate(tokens):
        if w in _AUX:
            return True
        if w in _SUBJECTS and any(t in _VERBS or t.endswith("ed") for t in tokens[i + 1 : i + 4]):
            return True
        # Strictly (list items), only a present tense makes a clause: "the hash changes" does,
        # a label's participle ("hash reduced to a bucket index") does not.
        present = w.endswith("s") and not w.endswith("ss")
        if w in _FINITE and i > 0 and tokens[i - 1] not in _DETERMINERS and (not strict or present):
            return True
    # "..., spreads checks across the minute": a clause whose subject came before the comma.
    return strict and bool(tokens) and tokens[0] in _FINITE and tokens[0].endswith("s")


def _is_list(sentence: str) -> tuple[bool, bool]:
    """(list of terms, with a lead-in clause such as "The key ideas are:")."""
    lead = ""
    body = sentence
    lead_match = _LIST_LEAD.match(sentence)
    if lead_match:
        lead, body = sentence[: lead_match.end()], sentence[lead_match.end() :]
    items = [i for i in _ITEM_SPLIT.split(body.strip().rstrip(".!?")) if i.strip()]
    if len(items) < _BARE_LIST_MIN_ITEMS:
        return False, False
    # A long run of verbless phrases is a list even when its phrases are long ("average O(1) under
    # bounded load, worst case O(n) from collisions, ..."); a short one needs short items.
    long_run = len(items) >= _LONG_RUN
    limit, share = (_LONG_TERM_WORDS, 0.5) if long_run else (_TERM_WORDS, 0.7)
    terms = [
        i
        for i in items
        if len(_words(i)) <= limit and not _has_clause(_words(i), strict=True) and not _CODE_ITEM.search(i)
    ]
    if len(terms) / len(items) < share:
        return False, False
    lead_tokens = _words(lead)
    if not lead_tokens:
        # "It uses a, b and c": a verb before the first item is a lead-in too.
        first = _words(items[0])
        return True, _has_clause(first, strict=True)
    return True, _has_clause(lead_tokens) or bool(lead_tokens)


def _unit(sentence: str, source: Source) -> Unit:
    tokens = _words(sentence)
    # Any negation, not its parity: "never share a bucket, so no keys are compared" still denies.
    negated = bool(_NEGATORS.search(sentence.lower()))
    listed, with_lead = _is_list(sentence)
    if listed:
        # An enumeration under a heading ("Config store: URL, method, timeout") still tells something.
        weight = 0.5 if with_lead else 0.2
    elif _has_clause(tokens):
        weight = 1.0
    elif _RELATIONS.search(sentence.lower()):
        weight = 0.8
    elif _MEASURE.search(sentence) and len(tokens) >= 3:
        weight = 0.6  # "O(n) time and space", "p99 under 200 ms": a measured claim without a verb
    elif len(tokens) >= 12:
        weight = 0.6
    elif len(tokens) >= 7:
        weight = 0.4
    else:
        weight = 0.0
    return Unit(sentence, source, len(tokens), weight, negated, listed, _concrete(sentence, tokens))


_GENERIC = re.compile(
    r"\b(always|usually|generally|in general|typically|normally|i think|i believe|i feel|i try to|"
    r"i would|i'd|you should|you need to|one should|it'?s important|it is important|best practice)\b"
)


def _concrete(sentence: str, tokens: list[str]) -> bool:
    if _GENERIC.search(sentence.lower()):
        return False
    if re.search(r"\d", sentence):
        return True
    return any(t in _IRREGULAR or (t.endswith("ed") and len(t) > 4) for t in tokens)
