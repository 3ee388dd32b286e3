"""The question bank: the shipped files, validation rules, selection policy and rendering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from coach.domain.bank import BankFile, BankQuestion, Criterion, FollowUpRubric, Misconception
from coach.domain.bank_index import Bank, question_text, to_meta
from coach.domain.kinds import DIFFICULTIES, LANGUAGES, QUESTION_TYPES, ROLES
from coach.domain.plan import make_plan
from coach.domain.questions import QuestionRequest
from coach.llm.bank_loader import BankError, load_bank, load_bank_from

TARGET_TOTAL = 300
MIN_PER_CELL = 4


def criterion(cid: str, weight: float) -> Criterion:
    return Criterion(
        id=cid,
        name=cid.title(),
        weight=weight,
        key_points=[f"{cid} point", f"{cid} reason"],
        weak="w",
        fair="f",
        strong="s",
        claims=[f"The {cid} part works like this.", f"The {cid} part holds because of that."],
        skills=["caching"],
    )


MISCONCEPTIONS = [
    Misconception("Caches never go stale.", "They do."),
    Misconception("More is faster.", "No."),
]


def follow_up_rubric(question: str) -> FollowUpRubric:
    return FollowUpRubric(question, [f"{question} because A.", f"{question} unless B."], ["a", "b"])


RUBRIC = [criterion("a", 0.4), criterion("b", 0.3), criterion("c", 0.3)]
STARTER = {lang: f"// {lang} starter" for lang in LANGUAGES}


def make_question(**overrides: Any) -> BankQuestion:
    """A valid question (system design unless overridden), changed by `overrides`."""
    qid = overrides.pop("id", "q-1")
    fields: dict[str, Any] = {
        "id": qid,
        "type": "system_design",
        "difficulty": "medium",
        "roles": ["backend"],
        "skills": ["caching"],
        "title": f"Title {qid}",
        "prompt": f"Design thing {qid}.",
        "rubric": RUBRIC,
        "model_answer": "1. Do it.",
        "follow_ups": ["Why?", "What if?"],
        "misconceptions": MISCONCEPTIONS,
    }
    if "rubric" not in overrides:
        # Claims of their own, as the bank requires of every question.
        fields["rubric"] = [
            msgspec.structs.replace(c, claims=[f"In {qid}, {x[0].lower()}{x[1:]}" for x in c.claims])
            for c in RUBRIC
        ]
    fields.update(overrides)
    fields.setdefault("follow_up_rubrics", [follow_up_rubric(f) for f in fields["follow_ups"]])
    return BankQuestion(**fields)


def make_coding(**overrides: Any) -> BankQuestion:
    fields: dict[str, Any] = {
        "type": "coding",
        "examples": ["Input: [1, 2] -> Output: 3"],
        "constraints": ["1 <= n <= 10^5"],
        "starter_code": STARTER,
        "solution_notes": "Sum them.",
        "complexity": "O(n) time",
    }
    fields.update(overrides)
    return make_question(**fields)


def request(**overrides: Any) -> QuestionRequest:
    fields: dict[str, Any] = {"type": "system_design", "difficulty": "medium", "role": "Backend Engineer"}
    fields.update(overrides)
    return QuestionRequest(**fields)


# -- the shipped bank ------------------------------------------------------------


def test_shipped_bank_loads_without_problems() -> None:
    bank = load_bank()
    assert bank.problems() == []
    assert load_bank() is bank  # cached: read once per process


def test_shipped_bank_ids_are_unique_across_files() -> None:
    ids = [q.id for q in load_bank().questions]
    assert len(ids) == len(set(ids))


def test_shipped_bank_holds_target_total() -> None:
    assert len(load_bank()) >= TARGET_TOTAL


def test_shipped_bank_fills_every_cell() -> None:
    assert load_bank().coverage_gaps(MIN_PER_CELL) == []


def test_system_design_file_has_six_per_cell() -> None:
    path = Path(__file__).parents[2] / "src" / "coach" / "bank" / "system_design.toml"
    bank = load_bank_from([path])
    assert len(bank) >= 72
    assert all(q.id.startswith("sd-") and q.id.endswith("-01") for q in bank.questions)
    counts = bank.coverage()
    for d in DIFFICULTIES:
        for r in ROLES:
            assert counts[("system_design", d, r)] >= 6, (d, r)


def test_system_design_rubrics_are_specific_to_the_system_asked() -> None:
    for q in load_bank().questions:
        if q.type != "system_design":
            continue
        ids = {c.id for c in q.rubric}
        assert {"requirements", "components", "tradeoffs"} <= ids, q.id
        assert all(c.claims for c in q.rubric), q.id
    # No template: a frontend theming question does not expect replication.
    theming = [q for q in load_bank().questions if "theme" in q.title.lower() or "theming" in q.title.lower()]
    for q in theming:
        claims = " ".join(c for r in q.rubric for c in r.claims).lower()
        assert "replication" not in claims, q.id


def test_every_follow_up_has_its_own_rubric_and_every_question_its_misconceptions() -> None:
    for q in load_bank().questions:
        assert [r.question for r in q.follow_up_rubrics] == q.follow_ups, q.id
        assert len(q.misconceptions) >= 2, q.id


# -- loader ------------------------------------------------------------------------


def toml_value(value: object) -> str:
    """A minimal TOML writer (msgspec needs tomli_w to encode, which we do not ship)."""
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def write_bank(path: Path, *questions: BankQuestion) -> Path:
    tables = []
    for q in questions:
        fields = msgspec.to_builtins(q)
        tables.append("[[questions]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in fields.items()))
    path.write_text("\n".join(tables))
    return path


def test_loader_reads_several_files(tmp_path: Path) -> None:
    a = write_bank(tmp_path / "a.toml", make_question(id="a-1"))
    b = write_bank(tmp_path / "b.toml", make_coding(id="b-1"))
    bank = load_bank_from([a, b])
    assert [q.id for q in bank.questions] == ["a-1", "b-1"]


def test_loader_rejects_duplicate_ids_across_files_naming_both(tmp_path: Path) -> None:
    a = write_bank(tmp_path / "a.toml", make_question(id="same"))
    b = write_bank(tmp_path / "b.toml", make_question(id="same"))
    with pytest.raises(BankError, match="duplicate id") as info:
        load_bank_from([a, b])
    assert "a.toml" in info.value.file
    assert "b.toml" in info.value.file


def test_loader_rejects_invalid_toml_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[questions]]\nid = \n")
    with pytest.raises(BankError) as info:
        load_bank_from([bad])
    assert info.value.file.endswith("bad.toml")


def test_loader_rejects_unknown_fields(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "x.toml", make_question())
    path.write_text(path.read_text().replace('type = "system_design"', 'type = "system_design"\nextra = 1'))
    with pytest.raises(BankError, match="extra"):
        load_bank_from([path])


def test_loader_rejects_a_question_that_breaks_a_rule(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "rule.toml", make_question(follow_ups=["only one"]))
    with pytest.raises(BankError, match="follow_ups") as info:
        load_bank_from([path])
    assert info.value.file.endswith("rule.toml")


# -- validation rules ----------------------------------------------------------------


def test_valid_questions_have_no_problems() -> None:
    assert Bank([make_question(), make_coding(id="c-1")]).problems() == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param(
            make_question(rubric=[criterion("a", 0.5), criterion("b", 0.3), criterion("c", 0.3)]),
            "weights sum",
            id="weights",
        ),
        pytest.param(
            make_question(rubric=[criterion("a", 0.5), criterion("b", 0.5)]), "3-5 rubric", id="few"
        ),
        pytest.param(
            make_question(rubric=[criterion(str(i), 1 / 6) for i in range(6)]), "3-5 rubric", id="many"
        ),
        pytest.param(
            make_question(rubric=[*RUBRIC[:2], msgspec.structs.replace(RUBRIC[2], key_points=[" ", "x"])]),
            "no key points",
            id="key-points",
        ),
        pytest.param(make_question(prompt="  "), "empty prompt", id="prompt"),
        pytest.param(make_question(model_answer=""), "empty model_answer", id="model-answer"),
        pytest.param(
            make_question(skills=[], rubric=[msgspec.structs.replace(c, skills=[]) for c in RUBRIC]),
            "no skills",
            id="skills",
        ),
        pytest.param(make_question(roles=[]), "no roles", id="roles"),
        pytest.param(make_question(follow_ups=["one"]), "follow_ups", id="follow-ups"),
        pytest.param(make_coding(examples=[]), "without examples", id="examples"),
        pytest.param(make_coding(constraints=[]), "without constraints", id="constraints"),
        pytest.param(
            make_coding(starter_code={"python": "pass"}),
            "starter code for javascript, java, go",
            id="starter",
        ),
        pytest.param(make_coding(solution_notes=""), "without solution_notes", id="solution-notes"),
        pytest.param(make_coding(complexity=""), "without complexity", id="complexity"),
        pytest.param(
            make_question(starter_code={"python": "pass"}), "has starter code", id="non-coding-starter"
        ),
        pytest.param(
            make_question(
                rubric=[
                    *RUBRIC[:2],
                    msgspec.structs.replace(RUBRIC[2], claims=["Only one."], key_points=["a"]),
                ]
            ),
            "needs 2-5 non-empty claims",
            id="claims",
        ),
        pytest.param(
            make_question(rubric=[*RUBRIC[:2], msgspec.structs.replace(RUBRIC[2], key_points=["one"])]),
            "one key point per claim",
            id="labels",
        ),
        pytest.param(
            make_question(skills=["caching", "networking"]),
            "carried by no criterion: networking",
            id="carried",
        ),
        pytest.param(
            make_question(rubric=[*RUBRIC[:2], msgspec.structs.replace(RUBRIC[2], skills=["cooking"])]),
            "are not some of the question's",
            id="criterion-skills",
        ),
        pytest.param(
            make_question(misconceptions=MISCONCEPTIONS[:1]), "2-4 misconceptions", id="misconceptions"
        ),
        pytest.param(
            make_question(follow_up_rubrics=[follow_up_rubric("Why?")]),
            "one rubric per follow-up",
            id="follow-up-rubrics",
        ),
    ],
)
def test_problems_reports_each_broken_rule(question: BankQuestion, expected: str) -> None:
    problems = Bank([question]).problems()
    assert problems
    assert all(p.startswith(f"{question.id}: ") for p in problems)
    assert any(expected in p for p in problems), problems


def test_problems_reports_duplicate_ids() -> None:
    problems = Bank([make_question(id="x"), make_question(id="x")]).problems()
    assert problems == ["x: duplicate id (2 questions)"]


def test_a_claim_shared_by_two_questions_is_a_template() -> None:
    problems = Bank([make_question(id="x", rubric=RUBRIC), make_question(id="y", rubric=RUBRIC)]).problems()
    assert problems
    assert all(p.startswith("y: claim also in x") for p in problems)


def test_weights_within_tolerance_pass() -> None:
    rubric = [criterion("a", 0.333), criterion("b", 0.333), criterion("c", 0.333)]
    assert Bank([make_question(rubric=rubric)]).problems() == []


# -- selection policy ----------------------------------------------------------------


def sample_bank() -> Bank:
    questions = [
        make_question(id=f"{d}-{r}-{i}", difficulty=d, roles=[r])
        for d in DIFFICULTIES
        for r in ROLES
        for i in range(6)
    ]
    return Bank([*questions, make_coding(id="code-1")])


def test_by_id_finds_question_and_raises_key_error_otherwise() -> None:
    bank = sample_bank()
    assert bank.by_id("easy-backend-0").difficulty == "easy"
    with pytest.raises(KeyError):
        bank.by_id("nope")


def test_pick_is_deterministic_for_the_same_seed() -> None:
    bank = sample_bank()
    picks = {bank.pick(request(seed=42)).id for _ in range(5)}
    assert len(picks) == 1
    assert Bank(reversed(bank.questions)).pick(request(seed=42)).id in picks  # independent of file order


def test_pick_spreads_over_candidates_for_different_seeds() -> None:
    picks = {sample_bank().pick(request(seed=seed)).id for seed in range(60)}
    assert picks == {f"medium-backend-{i}" for i in range(6)}


def test_pick_respects_type_difficulty_and_role_track() -> None:
    q = sample_bank().pick(request(difficulty="hard", role="Senior Site Reliability Engineer (SRE)", seed=3))
    assert (q.type, q.difficulty, q.roles) == ("system_design", "hard", ["devops_sre"])


def test_pick_excludes_seen_ids() -> None:
    seen = [f"medium-backend-{i}" for i in range(5)]
    for seed in range(10):
        assert sample_bank().pick(request(seed=seed, seen_bank_ids=seen)).id == "medium-backend-5"


def test_pick_avoids_recently_asked_prompts() -> None:
    bank = sample_bank()
    recent = [bank.by_id(f"medium-backend-{i}").prompt for i in range(5)]
    assert bank.pick(request(recent_questions=recent)).id == "medium-backend-5"


def test_pick_relaxes_role_when_track_is_exhausted() -> None:
    seen = [f"medium-backend-{i}" for i in range(6)]
    q = sample_bank().pick(request(seen_bank_ids=seen))
    assert q.difficulty == "medium"
    assert q.roles != ["backend"]


def test_pick_falls_back_to_neighbouring_difficulty() -> None:
    bank = Bank([make_question(id="e", difficulty="easy"), make_question(id="h", difficulty="hard")])
    assert bank.pick(request(difficulty="easy")).id == "e"
    assert bank.pick(request(difficulty="medium", seen_bank_ids=[])).id in {"e", "h"}
    assert bank.pick(request(difficulty="easy", seen_bank_ids=["e"])).id == "e"  # hard is two steps away


def test_pick_prefers_role_track_at_neighbouring_difficulty() -> None:
    bank = Bank(
        [
            make_question(id="m-front", difficulty="medium", roles=["frontend"]),
            make_question(id="e-back", difficulty="easy", roles=["backend"]),
            make_question(id="e-front", difficulty="easy", roles=["frontend"]),
        ]
    )
    assert bank.pick(request(difficulty="easy", seen_bank_ids=["e-back", "e-front"])).id == "m-front"
    assert bank.pick(request(seen_bank_ids=["m-front"], role="Frontend developer")).id == "e-front"


def test_pick_repeats_least_recently_seen_when_everything_was_seen() -> None:
    bank = Bank(
        [make_question(id=i, difficulty=d) for i, d in [("a", "medium"), ("b", "medium"), ("c", "easy")]]
    )
    assert bank.pick(request(seen_bank_ids=["b", "a", "c"], seed=7)).id == "b"
    # A repeat sighting makes a question recent again.
    assert bank.pick(request(seen_bank_ids=["b", "a", "c", "b"], seed=7)).id == "a"


def test_pick_uses_far_difficulty_only_as_last_resort() -> None:
    bank = Bank([make_question(id="h", difficulty="hard")])
    assert bank.pick(request(difficulty="easy")).id == "h"


def test_pick_raises_lookup_error_without_questions_of_the_type() -> None:
    with pytest.raises(LookupError):
        sample_bank().pick(request(type="behavioral"))


def test_pick_from_shipped_bank_serves_every_type_track_and_difficulty() -> None:
    bank = load_bank()
    present = {q.type for q in bank.questions}
    for t in QUESTION_TYPES:
        if t not in present:
            continue
        for d in DIFFICULTIES:
            assert bank.pick(QuestionRequest(type=t, difficulty=d, role="backend", seed=1)).type == t


# -- rendering -------------------------------------------------------------------------


def test_question_text_for_coding_includes_examples_and_constraints() -> None:
    text = question_text(make_coding(prompt="Add the numbers."))
    assert text.startswith("Add the numbers.")
    assert "Examples:\n- Input: [1, 2] -> Output: 3" in text
    assert "Constraints:\n- 1 <= n <= 10^5" in text


def test_question_text_for_design_is_the_prompt() -> None:
    assert question_text(make_question(prompt="\nDesign a cache.\n")) == "Design a cache."


@pytest.mark.parametrize("language", LANGUAGES)
def test_to_meta_gives_starter_code_in_requested_language(language: str) -> None:
    meta = to_meta(make_coding(), language)
    assert meta.language == language
    assert meta.starter_code == f"// {language} starter\n"
    assert meta.bank_id == "q-1"
    assert meta.kind == "coding"


def test_to_meta_defaults_to_python_for_missing_or_unknown_language() -> None:
    assert to_meta(make_coding(), None).language == "python"
    assert to_meta(make_coding(), "rust").starter_code == "// python starter\n"


def test_to_meta_for_non_coding_has_no_starter_code() -> None:
    meta = to_meta(make_question(), "go")
    assert (meta.starter_code, meta.language) == (None, None)
    assert meta.rubric == make_question().rubric
    assert meta.follow_ups == ["Why?", "What if?"]
    assert meta.follow_up_rubrics == make_question().follow_up_rubrics


def test_stats_table_lists_every_type_and_total() -> None:
    table = sample_bank().stats_table()
    lines = table.splitlines()
    assert all(r in lines[0] for r in ROLES)
    assert len(lines) == 1 + 1 + len(QUESTION_TYPES) * len(DIFFICULTIES) + 1 + 1
    assert lines[-1].split() == ["total", "19", "18", "18", "18", "73"]  # code-1 is a backend question
    assert lines[2].split() == ["behavioral", "easy", "0", "0", "0", "0", "0"]


def test_to_json_round_trips_as_a_bank_file() -> None:
    bank = sample_bank()
    decoded = msgspec.json.decode(bank.to_json(), type=BankFile)
    assert decoded.questions == list(bank.questions)


def test_pick_never_serves_a_second_question_of_a_family_asked_in_the_session() -> None:
    bank = Bank(
        [
            make_question(id="limiter", family="rate-limiting"),
            make_question(id="bucket", family="rate-limiting"),
            make_question(id="cache", family="caching", difficulty="hard"),
        ]
    )
    for seed in range(20):
        assert bank.pick(request(seed=seed, session_bank_ids=["limiter"])).id == "cache"
    # Only when the type has nothing else left does a family repeat, never the same question.
    assert bank.pick(request(session_bank_ids=["limiter", "cache"])).id == "bucket"


def test_pick_never_serves_a_retired_question() -> None:
    bank = Bank([make_question(id="old", retired=True), make_question(id="new", difficulty="hard")])
    for seed in range(10):
        assert bank.pick(request(seed=seed)).id == "new"
    assert bank.by_id("old").retired  # still resolves for old transcripts


@pytest.mark.parametrize("role", ["Backend engineer", "Frontend developer", "ML engineer", "SRE"])
def test_a_long_mixed_session_draws_every_question_from_another_family(role: str) -> None:
    bank = load_bank()
    plan = make_plan("mixed", "medium", 90)
    asked: list[str] = []
    for position, kind in enumerate(plan.kinds):
        q = bank.pick(
            QuestionRequest(type=kind, difficulty="medium", role=role, seed=position, session_bank_ids=asked)
        )
        asked.append(q.id)
    families = [bank.by_id(i).family for i in asked]
    assert all(families), asked
    assert len(set(families)) == len(families) >= 3, list(zip(asked, families, strict=True))
