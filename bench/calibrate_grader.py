"""Measure the grader against graded answers, beside the previous evaluator in the same run.

    .venv/bin/python bench/calibrate_grader.py [--baseline REV] [--corpus FILE ...] [--verbose]

Honest answers come from the graded corpus (tests/data/corpus/answers.jsonl, written from the
question prompts alone, independently of the grader) and the older hand-graded set
(tests/data/graded_answers.toml). Gaming answers are the corpus's own (wrong facts, padding,
injected text) plus three classes built here from the bank: a comma list of the question's
rubric phrases (bare, and with articles), the question pasted back, and another corpus
question's expert answer. The previous evaluator runs from `git archive REV` in a subprocess,
on that revision's own bank, so both are measured on the same answers in one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from coach.domain.bank_index import answer_request, question_text
from coach.domain.evaluator import Grader
from coach.embeddings.minilm import shared_embedder
from coach.llm.bank_loader import load_bank

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "answers.jsonl"
OLD_GRADED = ROOT / "tests" / "data" / "graded_answers.toml"
BASELINE = "98bce7c"
"""The last landing with the keyword evaluator."""
HONEST = ("expert", "mid", "weak", "idk", "graded")
DESERVED = {"keywords": 1.0, "keywords_articles": 1.0, "pasted_question": 0.5, "other_question": 1.0}

_PREVIOUS = r"""
import json, sys
from coach.domain.bank_index import answer_request
from coach.domain.evaluator import evaluate_answer
from coach.llm.bank_loader import load_bank
bank = load_bank()
for line in sys.stdin:
    row = json.loads(line)
    try:
        q = bank.by_id(row["question_id"])
        print(json.dumps(evaluate_answer(answer_request(q, row["text"], row.get("language"))).score))
    except KeyError:
        print("null")
"""


@dataclass
class Case:
    id: str
    question_id: str
    kind: str
    grade: float
    text: str
    language: str | None
    base: str | None = None


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation: Pearson correlation of the (tie-averaged) ranks."""
    if len(xs) < 3:
        return float("nan")
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def load_cases(corpora: list[Path], with_old: bool) -> list[Case]:
    """Corpus answers, the older graded set, and the gaming classes built from the bank."""
    bank = load_bank()
    cases: list[Case] = []
    for path in corpora:
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                cases.append(
                    Case(
                        row["id"],
                        row["question_id"],
                        row["kind"],
                        float(row["grade"]),
                        row["text"],
                        row.get("language"),
                        row.get("base"),
                    )
                )
    if with_old and OLD_GRADED.exists():
        for i, row in enumerate(tomllib.loads(OLD_GRADED.read_text())["answers"]):
            cases.append(
                Case(f"old/{i}", row["question_id"], "graded", float(row["grade"]), row["answer"], None)
            )
    experts = {c.question_id: c for c in cases if c.kind == "expert"}
    qids = sorted(experts)
    for n, qid in enumerate(qids):
        q = bank.by_id(qid)
        labels = [k for c in q.rubric for k in c.key_points]
        cases.append(Case(f"{qid}/keywords", qid, "keywords", 1.0, ", ".join(labels), None))
        cases.append(
            Case(
                f"{qid}/keywords_articles",
                qid,
                "keywords_articles",
                1.0,
                ", ".join(f"the {k}" for k in labels) + ".",
                None,
            )
        )
        cases.append(Case(f"{qid}/pasted", qid, "pasted_question", 0.5, question_text(q), None))
        kind = q.type
        others = [o for o in qids[n + 1 :] + qids[:n] if bank.by_id(o).type == kind]
        if others:
            other = experts[others[0]]
            cases.append(Case(f"{qid}/other", qid, "other_question", 1.0, other.text, other.language))
    return cases


def score_new(cases: list[Case]) -> tuple[list[float], list[float]]:
    """Scores by the grader here, and seconds per evaluation."""
    bank = load_bank()
    grader = Grader(bank, shared_embedder())
    grader.warm()
    scores, seconds = [], []
    for case in cases:
        request = answer_request(bank.by_id(case.question_id), case.text, case.language)
        started = time.perf_counter()
        scores.append(grader.evaluate(request).score)
        seconds.append(time.perf_counter() - started)
    return scores, seconds


def score_previous(cases: list[Case], rev: str) -> list[float | None]:
    """Scores by the evaluator of `rev`, run from an archive of that revision in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "src"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        payload = "".join(
            json.dumps({"question_id": c.question_id, "text": c.text, "language": c.language}) + "\n"
            for c in cases
        )
        done = subprocess.run(
            [sys.executable, "-c", _PREVIOUS],
            input=payload,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(Path(tmp) / "src"), "PATH": "/usr/bin:/bin"},
        )
    return [json.loads(x) for x in done.stdout.splitlines()]


def report(cases: list[Case], scores: list[float | None], name: str) -> dict[str, float]:
    """The figures the issue sets targets for."""
    by_id = {c.id: (c, s) for c, s in zip(cases, scores, strict=True) if s is not None}
    pairs = list(by_id.values())
    figures: dict[str, float | int] = {}

    def rho(selected: list[tuple[Case, float]]) -> float:
        return spearman([c.grade for c, _ in selected], [s for _, s in selected])

    honest = [(c, s) for c, s in pairs if c.kind in HONEST]
    figures["rho_honest"] = rho(honest)
    figures["rho_honest_no_idk"] = rho([(c, s) for c, s in honest if c.kind != "idk"])
    figures["rho_all"] = rho(pairs)
    figures["mae_honest"] = statistics.fmean(abs(c.grade - s) for c, s in honest) if honest else float("nan")
    kinds = defaultdict(list)
    for c, s in pairs:
        kinds[c.kind].append(s)
    for kind, values in sorted(kinds.items()):
        figures[f"mean_{kind}"] = statistics.fmean(values)
    mid = {c.question_id: s for c, s in pairs if c.kind == "mid"}
    expert = {c.question_id: s for c, s in pairs if c.kind == "expert"}
    keyword = [(c, s) for c, s in pairs if c.kind.startswith("keywords") and c.question_id in mid]
    figures["keywords_reaching_mid"] = sum(1 for c, s in keyword if s >= mid[c.question_id])
    figures["expert_above_mid"] = sum(1 for q in expert if q in mid and expert[q] > mid[q])
    figures["questions"] = len(expert)
    injected = [(c, s) for c, s in pairs if c.kind.startswith("inject") and c.base in by_id]
    figures["injection_raised"] = sum(1 for c, s in injected if s > by_id[c.base or ""][1])
    figures["injection_cases"] = len(injected)
    print(f"\n== {name}")
    for key, value in figures.items():
        print(f"  {key:24} {value:7.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="revision of the previous evaluator")
    parser.add_argument("--corpus", type=Path, action="append", help="JSON Lines corpus (repeatable)")
    parser.add_argument("--no-old", action="store_true", help="leave out tests/data/graded_answers.toml")
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous evaluator")
    parser.add_argument("--verbose", action="store_true", help="print the 25 largest misses")
    args = parser.parse_args()
    cases = load_cases(args.corpus or [CORPUS], not args.no_old)
    print(f"{len(cases)} answers on {len({c.question_id for c in cases})} questions")
    new, seconds = score_new(cases)
    if not args.no_baseline:
        report(cases, score_previous(cases, args.baseline), f"previous evaluator ({args.baseline})")
    report(cases, list(new), "grader (this tree)")
    ms = sorted(s * 1000 for s in seconds)
    print(f"\n  latency per evaluation: p50 {ms[len(ms) // 2]:.0f} ms, p95 {ms[int(len(ms) * 0.95)]:.0f} ms")
    if args.verbose:
        rows = sorted(zip(cases, new, strict=True), key=lambda p: -abs(p[0].grade - p[1]))
        for c, s in rows[:25]:
            print(f"  {abs(c.grade - s):4.1f} {c.kind:18} {c.id:44} grade {c.grade:4.1f} got {s:4.1f}")


if __name__ == "__main__":
    main()
