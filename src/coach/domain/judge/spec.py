"""A coding question's machine-readable tests: entry points, typed signature, cases and checker.

One spec per question lives in `coach/bank/judge/<question id>.toml`; docs/judge.md describes the
format. Inputs and outputs are JSON texts (TOML has no null, and a tree in level order needs one).
"""

from __future__ import annotations

import json
from typing import Any, Literal

import msgspec

from coach.domain.judge.types import Type, parse_type, record_types, sort_sets

LANGUAGES: tuple[str, ...] = ("python", "javascript", "java", "go")
CheckerKind = Literal["exact", "unordered", "float", "validator"]


class SpecError(ValueError):
    """A judge spec that is inconsistent (an unknown type, a missing entry point, a bad case)."""


class Param(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One named, typed argument."""

    name: str
    type: str


class Method(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One method of a design question's class, by its language-neutral name."""

    name: str
    params: list[Param] = []
    returns: str = "void"


class Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename={"class_name": "class"}):
    """How one language spells the entry points.

    A function question names the function (`name`; Java's is a method of `class Solution`). A
    design question names the class, its constructor (Go's `NewLRUCache`; elsewhere the class) and
    each method. `fields` are the accessors of the Java record a tuple result comes back as.
    """

    name: str = ""
    class_name: str = ""
    constructor: str = ""
    methods: dict[str, str] = {}
    fields: list[str] = []
    error: bool = False
    """Go: the function also returns a trailing `error`; a non-nil one counts as raising."""
    maps: Literal["object", "Map"] = "object"
    """JavaScript: a `map<K,V>` argument is a plain object (the default) or a `Map` (any result may be either)."""
    spread: bool = False
    """Go: a record result comes back as multiple return values, one per field in order (`(starts []int64, ok bool)`)."""
    records: dict[str, str] = {}
    """How a record argument is built, by record name. Python: `class` (the code's class of that name,
    called with the fields in order; the default when the code defines one), `dict` (the default
    otherwise) or `tuple`. JavaScript: `object` (the default) or `array`. Results may be any of these."""


RAISES = {"error": True}
"""The expected output of a case whose right answer is to raise (Go: return a non-nil error)."""


class Checker(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How an output is compared with the expected one.

    exact: equal JSON values. unordered: lists compared as multisets at `depth` levels (1: the outer
    list's order is free; 2: the inner lists' too). float: numbers within `tolerance` (absolute or
    relative), everywhere in the value. validator: the spec's Python `validate` function decides.
    """

    kind: CheckerKind = "exact"
    depth: int = 1
    tolerance: float = 1e-6


class Case(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One test case: its arguments as a JSON array, or a generator that builds them.

    A generated case names a function of the spec's `generators` code, called as
    `generate(random.Random(seed), size)`; its expected output comes from the Python reference
    solution. `description` names the behaviour a hidden case tests, shown instead of the case.
    """

    input: str = ""
    output: str = ""
    description: str = ""
    generate: str = ""
    seed: int = 0
    size: int = 0
    time_limit_ms: int = 0
    """0 = the spec's `time_limit_ms`."""
    large: bool = False
    """The case sized so a wrong-complexity algorithm runs out of time."""

    def args(self) -> Any:
        """The stored arguments, decoded (a generated case has none stored)."""
        return json.loads(self.input)

    def expected(self) -> Any:
        """The stored expected output, decoded."""
        return json.loads(self.output)


class Solutions(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Per-language code: the reference solutions and one plausible wrong solution each."""

    reference: dict[str, str]
    wrong: dict[str, str]
    wrong_note: str = ""
    """What the wrong solution gets wrong (the behaviour a hidden case should catch)."""


class JudgeSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Everything needed to run a candidate's code against one coding question."""

    id: str
    entry: dict[str, Entry]
    examples: list[Case]
    hidden: list[Case] = []
    kind: Literal["function", "design"] = "function"
    params: list[Param] = []
    returns: str = "void"
    mutates: str = ""
    """For an in-place function (returns void): the parameter whose value after the call is the output."""
    constructor: list[Param] = []
    methods: list[Method] = []
    checker: Checker = Checker()
    time_limit_ms: int = 1000
    generators: str = ""
    validator: str = ""
    solutions: Solutions | None = None
    records: dict[str, str] = {}
    """Named records: name -> `"field: T, ..."`, used in types by their bare name (they may refer to themselves)."""
    driver: dict[str, str] = {}
    """Per language, trusted bank code the harness calls instead of the entry point (a function question only):
    `judge_driver` (Python), `judgeDriver` (JavaScript, Go), `JudgeDriver.run` (Java). It takes the case's
    decoded `params`, drives the candidate's code (callbacks, clocks, iterators, several instances, round
    trips) and returns a value of type `returns`, which is checked as any function result is."""

    def type(self, text: str) -> Type:
        """A type expression of this spec, parsed (its named records expanded)."""
        return parse_type(text, self.records)

    def record_types(self) -> dict[str, Type]:
        """Every record the spec's types define, by name."""
        return record_types(self.types())

    def cases(self) -> list[Case]:
        """Visible examples first, then hidden cases, the large ones last (a timeout loses least)."""
        small = [c for c in self.hidden if not c.large]
        large = [c for c in self.hidden if c.large]
        return [*self.examples, *small, *large]

    def limit_ms(self, case: Case) -> int:
        """The time one case may take."""
        return case.time_limit_ms or self.time_limit_ms

    def param_types(self) -> list[Type]:
        """The function's argument types, parsed."""
        return [self.type(p.type) for p in self.params]

    def method(self, name: str) -> Method:
        """A design method by its neutral name."""
        for m in self.methods:
            if m.name == name:
                return m
        raise SpecError(f"{self.id}: no method {name!r}")

    def sort_sets(self, args: Any, output: Any) -> Any:
        """`output` (of the case with `args`) with every set in canonical order, so set order never counts."""
        types = self.types()
        if not any(t.uses("set") or t.uses("record") for t in types):
            return output
        records = record_types(types)
        if self.kind == "function":
            position = [p.name for p in self.params].index(self.mutates) if self.mutates else -1
            text = self.params[position].type if position >= 0 else self.returns
            return sort_sets(self.type(text), output, records)
        ops = args[0] if isinstance(args, list) and args else []
        if not isinstance(output, list) or len(output) != len(ops):
            return output
        names = {m.name: m for m in self.methods}
        return [
            value if k == 0 or op not in names else sort_sets(self.type(names[op].returns), value, records)
            for k, (op, value) in enumerate(zip(ops, output, strict=True))
        ]

    def types(self) -> list[Type]:
        """Every type the spec mentions (to know which helpers a harness needs)."""
        texts = [p.type for p in self.params] + [self.returns] + [p.type for p in self.constructor]
        for m in self.methods:
            texts += [p.type for p in m.params] + [m.returns]
        return [self.type(t) for t in texts]


def decode_spec(data: bytes, source: str = "") -> JudgeSpec:
    """Decode a spec from TOML bytes and check that it is consistent."""
    try:
        spec = msgspec.toml.decode(data, type=JudgeSpec)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise SpecError(f"{source}: {exc}") from exc
    validate_spec(spec)
    return spec


def validate_spec(spec: JudgeSpec) -> None:
    """Raise SpecError when the spec cannot be run as written."""
    for text in [t for t in _type_texts(spec)]:
        try:
            spec.type(text)
        except ValueError as exc:
            raise SpecError(f"{spec.id}: {exc}") from exc
    try:
        defined = spec.record_types()
    except ValueError as exc:
        raise SpecError(f"{spec.id}: {exc}") from exc
    for lang, entry in spec.entry.items():
        allowed = {"python": {"class", "dict", "tuple"}, "javascript": {"object", "array"}}.get(lang, set())
        for name, how in entry.records.items():
            if name not in defined or how not in allowed:
                raise SpecError(
                    f"{spec.id}: entry.{lang}.records: {name} = {how!r} is not a record and a way to pass it"
                )
    missing = [lang for lang in LANGUAGES if lang not in spec.entry]
    if missing:
        raise SpecError(f"{spec.id}: no entry point for {', '.join(missing)}")
    if spec.driver:
        if spec.kind != "function":
            raise SpecError(f"{spec.id}: a driver takes a function question's params (kind = function)")
        if set(spec.driver) != set(LANGUAGES):
            raise SpecError(f"{spec.id}: a driver is written in every language: {', '.join(LANGUAGES)}")
    if spec.kind == "function":
        if any(not spec.entry[lang].name for lang in LANGUAGES):
            raise SpecError(f"{spec.id}: a function question names its function in every language")
        if spec.mutates and spec.mutates not in {p.name for p in spec.params}:
            raise SpecError(f"{spec.id}: mutates names no parameter")
    else:
        for lang in LANGUAGES:
            entry = spec.entry[lang]
            if not entry.class_name or {m.name for m in spec.methods} - set(entry.methods):
                raise SpecError(f"{spec.id}: {lang} must name the class and every method")
    if spec.checker.kind == "validator" and not spec.validator:
        raise SpecError(f"{spec.id}: a validator checker needs validator code")
    for index, case in enumerate(spec.cases()):
        if case.generate:
            if not case.large and not case.description:
                raise SpecError(f"{spec.id}: generated case {index} needs a description")
            continue
        try:
            args = case.args()
            if case.output:
                case.expected()
        except ValueError as exc:
            raise SpecError(f"{spec.id}: case {index} is not JSON: {exc}") from exc
        arity = 2 if spec.kind == "design" else len(spec.params)
        if not isinstance(args, list) or len(args) != arity:
            raise SpecError(f"{spec.id}: case {index} needs {arity} arguments")
        if not case.output and spec.checker.kind != "validator":
            raise SpecError(f"{spec.id}: case {index} has no expected output")
    for case in spec.hidden:
        if not case.description:
            raise SpecError(f"{spec.id}: every hidden case needs a description")


def _type_texts(spec: JudgeSpec) -> list[str]:
    texts = [p.type for p in spec.params] + [spec.returns] + [p.type for p in spec.constructor]
    for m in spec.methods:
        texts += [p.type for p in m.params] + [m.returns]
    return texts
