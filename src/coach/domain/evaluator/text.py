"""Text normalisation for rubric matching: lowercase, canonical synonyms, a light stemmer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["STOPWORDS", "content_tokens", "normalise", "sentences", "stem", "words"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Multi-word phrases and notations rewritten to one canonical token before tokenising, so
# "hash map", "hashtable" and "dictionary" all count as the same key point word.
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bo\(\s*n\s*(?:\*|log|·)?\s*log\s*n\s*\)|\bn\s*log\s*n\b|\bnlogn\b|\blinearithmic\b", " nlogn "),
    (r"\bo\(\s*log\s*n\s*\)|\blogarithmic(?: time)?\b|\blog\s*n time\b", " logtime "),
    (r"\bo\(\s*n\s*(?:\^\s*2|²|\*\s*n)\s*\)|\bquadratic(?: time)?\b", " quadratic "),
    (r"\bo\(\s*1\s*\)|\bconstant[- ]time\b|\bconstant space\b|\bconstant extra space\b", " constanttime "),
    (
        r"\bo\(\s*[nmvek]\s*(?:\+\s*[nmvek]\s*)?\)|\blinear[- ]time\b|\blinear space\b|\bsingle pass\b"
        r"|\bone pass\b",
        " lineartime ",
    ),
    (r"\bhash[- ]?maps?\b|\bhash[- ]?tables?\b|\bdictionar(?:y|ies)\b|\bdicts?\b|\bhashmaps?\b", " hashmap "),
    (r"\bhash[- ]?sets?\b", " hashset "),
    (r"\btrade[- ]?offs?\b", " tradeoff "),
    (r"\bedge[- ]cases?\b|\bcorner[- ]cases?\b", " edgecase "),
    (r"\bload[- ]balanc(?:er|ers|ing)\b|\blbs?\b", " loadbalancer "),
    (r"\bbreadth[- ]first(?: search)?\b|\bbfs\b", " bfs "),
    (r"\bdepth[- ]first(?: search)?\b|\bdfs\b", " dfs "),
    (r"\bdynamic programming\b|\bdp\b", " dp "),
    (r"\bmemoi[sz](?:ation|e|ed|ing)\b", " memo "),
    (r"\btwo[- ]pointers?\b", " twopointer "),
    (r"\bbinary[- ]search\b", " binarysearch "),
    (r"\bbig[- ]o\b", " complexity "),
    (r"\btime to live\b", " ttl "),
    (r"\bleast[- ]recently[- ]used\b", " lru "),
    (r"\b(?:requests|queries|reads|writes) per second\b|\brps\b|\bqps\b|\btps\b", " qps "),
    (r"\bmessage (?:queue|broker)s?\b|\bmq\b", " queue "),
    (r"\bcontent delivery network\b|\bcdns?\b", " cdn "),
    (r"\bprimary keys?\b", " primarykey "),
    (r"\brate[- ]limit(?:s|er|ers|ing)?\b", " ratelimit "),
    (r"\bunit[- ]tests?\b", " test "),
    (r"\bfor (?:example|instance)\b|\be\.g\.", " example "),
    (r"\bround[- ]trips?\b", " roundtrip "),
    (r"\bend[- ]to[- ]end\b", " endtoend "),
    (r"\bnull pointers?\b|\bnil\b|\bnone\b|\bnull\b", " null "),
)
_PHRASE_RES = tuple((re.compile(pattern), repl) for pattern, repl in _PHRASES)

_TOKEN_SYNONYMS: dict[str, str] = {
    "db": "database",
    "dbs": "database",
    "rdbms": "database",
    "datastore": "database",
    "k8s": "kubernetes",
    "repo": "repository",
    "config": "configuration",
    "env": "environment",
    "async": "asynchronous",
    "perf": "performance",
    "app": "application",
    "prod": "production",
    "infra": "infrastructure",
    "auth": "authentication",
    "authn": "authentication",
    "authz": "authorization",
    "ms": "millisecond",
    "msec": "millisecond",
    "secs": "second",
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "impl": "implementation",
    "mgr": "manager",
    "msg": "message",
    "msgs": "message",
    "req": "request",
    "reqs": "request",
    "resp": "response",
    "arr": "array",
    "str": "string",
    "len": "length",
    "idx": "index",
    "dict": "hashmap",
    "pr": "pull",
    "prs": "pull",
    "retro": "retrospective",
    "pm": "manager",
    "mgmt": "management",
    "manager": "lead",
    "boss": "lead",
    "supervisor": "lead",
    "sync": "synchronous",
    "ok": "okay",
    "w": "with",
}

_STOPWORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just let me
more most my myself no nor not now of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves i'd i'm it's that's there's we'd we'll we're you'd you'll
you're don't doesn't didn't can't won't isn't aren't wasn't weren't i've we've they're one two get
got go going gonna want really thing things stuff like well yeah um uh okay ok say said make made
way much many lot lots kind sort pretty quite still even ever every may might must shall us them
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")


def normalise(text: str) -> str:
    """Lowercase, NFKC-fold, drop zero-width characters and rewrite synonym phrases to canonical tokens."""
    out = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()
    out = out.replace("\u2019", "'").replace("\u2018", "'")
    for pattern, repl in _PHRASE_RES:
        out = pattern.sub(repl, out)
    return out


def words(text: str) -> list[str]:
    """Every lowercase word of already-normalised text, stopwords included."""
    return _WORD_RE.findall(text)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: plurals, -ing/-ed/-ly, -ation/-ization and a final -e."""
    w = _TOKEN_SYNONYMS.get(word, word)
    if w in ("use", "used", "uses", "using"):
        return "us"
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, repl in (
        ("ational", "ate"),
        ("isation", "ize"),
        ("ization", "ize"),
        ("ation", "ate"),
        ("fulness", "ful"),
        ("iveness", "ive"),
        ("ousness", "ous"),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + repl
            break
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("eed"):
            w = w[: -len(suffix)]
            # "mapped" -> "mapp" -> "map"; keep ll/ss/zz which belong to the root ("called").
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in "aeiou":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    return w


def content_tokens(text: str) -> list[str]:
    """Stemmed content words of raw text, in order, without stopwords."""
    return [stem(w) for w in words(normalise(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def sentences(text: str) -> list[str]:
    """Split raw text into rough sentences (on end punctuation and newlines)."""
    return [s.strip() for s in _SENTENCE_RE.split(text) if s.strip()]
