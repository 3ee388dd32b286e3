"""How code answers score once they are run: correct, subtly buggy, another problem's code, pseudo-code.

Reads bench/data/code_answers.toml (written apart from the grader, from the questions alone), scores
each answer the way the evaluation worker does (the offline reader, then the judge's tests folded in
by `apply_tests`) and, as the baseline from the same run, by the reader alone (code never run).

    .venv/bin/python -m bench.grade_code            # table + summary
    .venv/bin/python -m bench.grade_code --json     # the figures as JSON
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

from litestar.stores.memory import MemoryStore

from coach.domain.bank_index import answer_request
from coach.domain.evaluator import Grader
from coach.domain.judge.grading import apply_tests
from coach.embeddings.minilm import shared_embedder
from coach.llm.bank_loader import load_bank
from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.services.code_runs import CodeRuns

CORPUS = Path(__file__).parent / "data" / "code_answers.toml"
KINDS = ("correct", "buggy", "other", "pseudo")


async def measure() -> dict[str, Any]:
    bank = load_bank()
    by_id = {q.id: q for q in bank.questions}
    grader = Grader(bank, shared_embedder())
    sandbox = BubblewrapSandbox()
    if not sandbox.available():
        raise SystemExit(f"the sandbox is unavailable: {sandbox.why_unavailable}")
    runs = CodeRuns(sandbox, MemoryStore())
    answers = tomllib.loads(CORPUS.read_text())["answers"]
    rows = []
    started = time.perf_counter()
    for item in answers:
        question = by_id[item["question"]]
        request = answer_request(question, item["code"], item["language"])
        reader = grader.evaluate(request)
        report = await runs.test(request.meta, item["language"], item["code"])
        assert report is not None, f"{item['question']} has no judge spec"
        final = apply_tests(reader, report)
        rows.append(
            {
                "question": item["question"],
                "language": item["language"],
                "kind": item["kind"],
                "reader": reader.score,
                "score": final.score,
                "tests": f"{report.passed}/{report.total} {report.status}",
            }
        )
    elapsed = time.perf_counter() - started
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    summary = {
        kind: {
            "n": len(by_kind[kind]),
            "mean": round(statistics.fmean(r["score"] for r in by_kind[kind]), 2),
            "max": max(r["score"] for r in by_kind[kind]),
            "reader_mean": round(statistics.fmean(r["reader"] for r in by_kind[kind]), 2),
        }
        for kind in KINDS
        if by_kind[kind]
    }
    pairs: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in rows:
        pairs[(row["question"], row["language"])][row["kind"]] = row["score"]
    gaps = [p["correct"] - p["buggy"] for p in pairs.values() if "correct" in p and "buggy" in p]
    return {
        "rows": rows,
        "summary": summary,
        "correct_minus_buggy_mean": round(statistics.fmean(gaps), 2) if gaps else None,
        "correct_minus_buggy_min": round(min(gaps), 2) if gaps else None,
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(measure())
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'question':38} {'language':10} {'kind':8} {'read only':>9} {'run':>5}  tests")
    for row in result["rows"]:
        print(
            f"{row['question']:38} {row['language']:10} {row['kind']:8} {row['reader']:9.1f} {row['score']:5.1f}  {row['tests']}"
        )
    print()
    print(f"{'kind':8} {'n':>3} {'read only (baseline)':>21} {'run: mean':>10} {'run: max':>9}")
    for kind, s in result["summary"].items():
        print(f"{kind:8} {s['n']:3} {s['reader_mean']:21.2f} {s['mean']:10.2f} {s['max']:9.1f}")
    print(
        f"correct - buggy, same question and language: mean {result['correct_minus_buggy_mean']}, "
        f"min {result['correct_minus_buggy_min']}  ({result['seconds']} s)"
    )


if __name__ == "__main__":
    main()
