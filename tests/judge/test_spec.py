"""The spec format itself: types, checkers, summaries and every shipped spec's consistency (no sandbox)."""

from __future__ import annotations

import random
import re

import msgspec
import pytest

from coach.domain.judge.checkers import check
from coach.domain.judge.report import CaseResult, JudgeReport, summary
from coach.domain.judge.spec import LANGUAGES, Checker, SpecError, decode_spec
from coach.domain.judge.types import TypeError_, parse_type
from coach.judge import trusted
from coach.judge.specs import load_specs
from tests.judge.conftest import bank_questions, starter_code

SPECS = load_specs()


def test_types_parse_nested_arrays_lists_and_tuples() -> None:
    assert str(parse_type("int[][]")) == "int[][]"
    assert parse_type("list<list<string>>").item.item.kind == "string"
    route = parse_type("tuple<long, list<int>>")
    assert [t.kind for t in route.items] == ["long", "list"]
    assert parse_type("TreeNode[]").uses("TreeNode")


@pytest.mark.parametrize("text", ["integer", "list<int", "int[", "tuple<>", "map<double,int>", "set<json>"])
def test_unknown_or_malformed_types_are_refused(text: str) -> None:
    with pytest.raises(TypeError_):
        parse_type(text)


def test_exact_checker_tells_booleans_from_numbers_but_not_ints_from_floats() -> None:
    exact = Checker()
    assert check(exact, [0, 1], [0, 1]) is None
    assert check(exact, 2, 2.0) is None
    assert check(exact, True, 1) is not None
    assert check(exact, [[1, 2]], [[2, 1]]) is not None


def test_unordered_checker_ignores_order_only_to_its_depth() -> None:
    one, two = Checker(kind="unordered", depth=1), Checker(kind="unordered", depth=2)
    assert check(one, [[1, 2], [3]], [[3], [1, 2]]) is None
    assert check(one, [[1, 2], [3]], [[3], [2, 1]]) is not None
    assert check(two, [[1, 2], [3]], [[3], [2, 1]]) is None
    assert check(two, [["a", "a"], ["b"]], [["a"], ["a", "b"]]) is not None


def test_float_checker_allows_the_tolerance_and_names_the_position() -> None:
    close = Checker(kind="float", tolerance=1e-6)
    assert check(close, [None, 4.666666666666667], [None, 4.6666667]) is None
    reason = check(close, [None, 1.0, 5.5], [None, 1.0, 5.0])
    assert reason is not None
    assert reason.startswith("value 3")


def test_a_summary_names_hidden_behaviours_without_revealing_the_case() -> None:
    hidden = CaseResult(index=3, visible=False, status="wrong_answer", description="empty input")
    report = JudgeReport("q", "python", "failed", cases=[hidden])
    text = summary(report)
    assert "empty input" in text
    assert hidden.input is None
    assert hidden.expected is None
    assert hidden.actual is None


def test_a_spec_without_descriptions_on_hidden_cases_is_refused() -> None:
    toml = b"""
id = "x"
params = [{ name = "a", type = "int" }]
returns = "int"
[entry]
python = { name = "f" }
javascript = { name = "f" }
java = { name = "f" }
go = { name = "f" }
[[examples]]
input = "[1]"
output = "1"
[[hidden]]
input = "[2]"
output = "2"
"""
    with pytest.raises(SpecError, match="description"):
        decode_spec(toml)


@pytest.mark.parametrize("question_id", sorted(SPECS))
def test_spec_has_the_questions_examples_and_enough_hidden_cases(question_id: str) -> None:
    spec = SPECS[question_id]
    question = bank_questions()[question_id]
    assert isinstance(question["examples"], list)
    assert len(spec.examples) == len(question["examples"])
    assert len(spec.hidden) >= 10
    assert any(c.large for c in spec.hidden)
    assert all(c.description for c in spec.hidden)
    assert len({c.description for c in spec.hidden}) == len(spec.hidden)
    assert spec.solutions is not None
    assert set(spec.solutions.reference) == set(spec.solutions.wrong) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("question_id", "language"), [(q, lang) for q in sorted(SPECS) for lang in LANGUAGES]
)
def test_entry_points_match_the_starter_code(question_id: str, language: str) -> None:
    spec = SPECS[question_id]
    entry = spec.entry[language]
    code = starter_code(question_id, language)
    names = [entry.name] if spec.kind == "function" else [entry.class_name, *entry.methods.values()]
    if entry.constructor:
        names.append(entry.constructor)
    names += entry.fields
    for name in names:
        # A Java class nested in Solution is named `Solution.Inner`: each part is in the starter.
        for part in name.split("."):
            assert re.search(rf"\b{re.escape(part)}\b", code), f"{name} is not in the {language} starter"


@pytest.mark.parametrize("question_id", sorted(SPECS))
def test_stored_outputs_agree_with_the_python_reference(question_id: str) -> None:
    spec = SPECS[question_id]
    for index, case in enumerate(spec.cases()):
        if case.generate or not case.output:
            continue
        got = spec.sort_sets(case.args(), trusted.reference_output(spec, case.args()))
        expected = spec.sort_sets(case.args(), case.expected())
        if spec.checker.kind == "validator":
            assert trusted.validator(spec)(case.args(), got, expected) is None, index
        else:
            assert check(spec.checker, expected, got) is None, (index, got)


@pytest.mark.parametrize("question_id", sorted(SPECS))
def test_generated_cases_are_deterministic(question_id: str) -> None:
    spec = SPECS[question_id]
    for index, case in enumerate(spec.cases()):
        if case.generate:
            first = trusted.case_args(spec, index, case)
            namespace: dict[str, object] = {}
            exec(spec.generators, namespace)  # noqa: S102 - the bank's own generator code

            generate = namespace[case.generate]
            assert callable(generate)
            assert msgspec.json.encode(generate(random.Random(case.seed), case.size)) == msgspec.json.encode(
                first
            )


_DRIVEN = b"""
id = "x"
params = [{ name = "a", type = "int" }]
returns = "int"
[entry]
python = { name = "Counter" }
javascript = { name = "Counter" }
java = { name = "Counter" }
go = { name = "Counter" }
[driver]
python = "def judge_driver(a):\\n    return Counter().add(a)\\n"
javascript = "function judgeDriver(a) { return new Counter().add(a); }"
java = "class JudgeDriver { static int run(int a) { return new Counter().add(a); } }"
go = "func judgeDriver(a int) int { return (&Counter{}).Add(a) }"
[[examples]]
input = "[1]"
output = "1"
"""


def test_a_driver_is_parsed_per_language() -> None:
    spec = decode_spec(_DRIVEN)
    assert set(spec.driver) == set(LANGUAGES)
    assert "judge_driver" in spec.driver["python"]


def test_a_driver_missing_a_language_is_refused() -> None:
    toml = _DRIVEN.replace(b'go = "func judgeDriver(a int) int { return (&Counter{}).Add(a) }"\n', b"")
    with pytest.raises(SpecError, match="every language"):
        decode_spec(toml)


def test_a_driver_on_a_design_question_is_refused() -> None:
    toml = _DRIVEN.replace(b'id = "x"\n', b'id = "x"\nkind = "design"\n')
    with pytest.raises(SpecError, match="kind = function"):
        decode_spec(toml)


def test_driver_specs_compute_expected_outputs_through_the_python_driver() -> None:
    spec = SPECS["code-e-event-emitter-01"]
    script = [["on", "a", "h"], ["emit", "a", "1"]]
    assert trusted.reference_output(spec, [script]) == ["h(1)", "emit a: 1"]
