"""Comparing a candidate's output with the expected one: exact, unordered, or within a float tolerance."""

from __future__ import annotations

import json
import math
from typing import Any

from coach.domain.judge.spec import Checker


def check(checker: Checker, expected: Any, actual: Any) -> str | None:
    """None when `actual` is right, else a short reason (never the expected value itself)."""
    if checker.kind == "exact":
        return None if _same(expected, actual) else "wrong answer"
    if checker.kind == "unordered":
        return (
            None
            if _canonical(expected, checker.depth) == _canonical(actual, checker.depth)
            else "wrong answer"
        )
    if checker.kind == "float":
        return _close(expected, actual, checker.tolerance)
    raise ValueError(f"checker {checker.kind!r} is not a comparison; the runner calls the validator")


def _same(expected: Any, actual: Any) -> bool:
    # JSON has one number type: 2 and 2.0 are the same answer, but true is not 1.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        # JSON objects: the same keys (in any order), each with the same value by these rules.
        return expected.keys() == actual.keys() and all(_same(v, actual[k]) for k, v in expected.items())
    return type(expected) is type(actual) and bool(expected == actual)


def _canonical(value: Any, depth: int) -> Any:
    """The value with its list order erased down to `depth` levels, as comparable text."""
    if depth <= 0 or not isinstance(value, list):
        return json.dumps(value, sort_keys=True)
    return sorted(_canonical(item, depth - 1) for item in value)


def _close(expected: Any, actual: Any, tolerance: float) -> str | None:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if expected == actual and type(expected) is type(actual) else "wrong answer"
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        if math.isclose(float(expected), float(actual), rel_tol=tolerance, abs_tol=tolerance):
            return None
        return f"off by {abs(float(expected) - float(actual)):.3g} (tolerance {tolerance:g})"
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{len(actual)} values where {len(expected)} were expected"
        for position, (e, a) in enumerate(zip(expected, actual, strict=True)):
            reason = _close(e, a, tolerance)
            if reason is not None:
                return f"value {position + 1}: {reason}"
        return None
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return "wrong keys"
        for key, value in expected.items():
            reason = _close(value, actual[key], tolerance)
            if reason is not None:
                return f"key {json.dumps(key)}: {reason}"
        return None
    return None if expected == actual else "wrong answer"
