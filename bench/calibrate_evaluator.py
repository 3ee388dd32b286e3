"""Calibrate the offline evaluator against hand-graded answers: Spearman rho, MAE and the worst misses.

Run from the repository root:  .venv/bin/python bench/calibrate_evaluator.py [--verbose]
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from coach.domain.bank_index import answer_request
from coach.domain.evaluator import evaluate_answer
from coach.llm.bank_loader import load_bank

ROOT = Path(__file__).resolve().parent.parent
GRADED = ROOT / "tests" / "data" / "graded_answers.toml"


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
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def calibrate(verbose: bool = False) -> tuple[float, float, int]:
    """Score every graded answer; return (rho, MAE, n)."""
    bank = load_bank()
    rows = tomllib.loads(GRADED.read_text())["answers"]
    grades: list[float] = []
    scores: list[float] = []
    misses: list[tuple[float, str, float, float, str]] = []
    for row in rows:
        q = bank.by_id(row["question_id"])
        ev = evaluate_answer(answer_request(q, row["answer"]))
        grades.append(float(row["grade"]))
        scores.append(ev.score)
        misses.append((abs(ev.score - row["grade"]), q.id, row["grade"], ev.score, row["answer"][:60]))
    rho = spearman(grades, scores)
    mae = sum(abs(a - b) for a, b in zip(grades, scores, strict=True)) / len(grades)
    if verbose:
        for miss in sorted(misses, reverse=True):
            print(f"{miss[0]:4.1f}  {miss[1]:32} human {miss[2]:4.1f}  offline {miss[3]:4.1f}  {miss[4]!r}")
    return rho, mae, len(grades)


if __name__ == "__main__":
    rho, mae, n = calibrate("--verbose" in sys.argv)
    print(f"n={n}  spearman_rho={rho:.3f}  mae={mae:.2f}")
