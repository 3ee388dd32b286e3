"""The spec's own Python (case generators, validators, the Python reference): trusted bank code, run here.

Only code shipped in the bank runs in-process; a candidate's code only ever runs in the sandbox.
Generated cases' expected outputs come from the Python reference, computed once per process.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from coach.domain.judge.spec import RAISES, Case, JudgeSpec
from coach.domain.judge.types import Type, parse_type

_lock = threading.Lock()
_namespaces: dict[tuple[str, str], dict[str, Any]] = {}
_expected: dict[tuple[str, int], Any] = {}
_generated: dict[tuple[str, int], Any] = {}


def _namespace(spec: JudgeSpec, part: str, code: str) -> dict[str, Any]:
    key = (spec.id, part)
    with _lock:
        if key not in _namespaces:
            namespace: dict[str, Any] = {"__name__": f"judge_{part}"}
            if part == "reference":
                namespace.update(ListNode=ListNode, TreeNode=TreeNode)
            exec(compile(code, f"{spec.id}:{part}", "exec"), namespace)  # noqa: S102 - bank code, not a candidate's
            _namespaces[key] = namespace
        return _namespaces[key]


def case_args(spec: JudgeSpec, index: int, case: Case) -> Any:
    """A case's arguments: stored, or built by its generator (deterministic, cached)."""
    if not case.generate:
        return case.args()
    key = (spec.id, index)
    if key not in _generated:
        generate = _namespace(spec, "generators", spec.generators)[case.generate]
        _generated[key] = generate(random.Random(case.seed), case.size)
    return _generated[key]


def expected_output(spec: JudgeSpec, index: int, case: Case) -> Any:
    """A case's expected output: stored, or what the Python reference returns on it (cached)."""
    if case.output:
        return case.expected()
    key = (spec.id, index)
    if key not in _expected:
        if spec.checker.kind == "validator" and spec.solutions is None:
            return None
        _expected[key] = reference_output(spec, case_args(spec, index, case))
    return _expected[key]


def validator(spec: JudgeSpec) -> Callable[[Any, Any, Any], str | None]:
    """The spec's `validate(args, output, expected) -> reason | None`."""
    fn: Callable[[Any, Any, Any], str | None] = _namespace(spec, "validator", spec.validator)["validate"]
    return fn


def reference_output(spec: JudgeSpec, args: Any) -> Any:
    """Run the Python reference on `args` and return its output as JSON values (RAISES if it raises)."""
    try:
        return _reference_output(spec, args)
    except Exception:
        return RAISES


def _reference_output(spec: JudgeSpec, args: Any) -> Any:
    if spec.solutions is None or "python" not in spec.solutions.reference:
        raise ValueError(f"{spec.id}: no Python reference to compute expected outputs")
    namespace = _namespace(spec, "reference", spec.solutions.reference["python"])
    entry = spec.entry["python"]
    if spec.kind == "function":
        types = spec.param_types()
        values = [_arg(t, v) for t, v in zip(types, args, strict=True)]
        result = namespace[entry.name](*values)
        if spec.mutates:
            position = [p.name for p in spec.params].index(spec.mutates)
            return _out(types[position], values[position])
        return _out(parse_type(spec.returns), result)
    ops, calls = args
    ctor_types = [parse_type(p.type) for p in spec.constructor]
    obj = namespace[entry.class_name](*[_arg(t, v) for t, v in zip(ctor_types, calls[0], strict=True)])
    results: list[Any] = [None]
    for op, values in zip(ops[1:], calls[1:], strict=True):
        method = spec.method(op)
        converted = [_arg(parse_type(p.type), v) for p, v in zip(method.params, values, strict=True)]
        results.append(_out(parse_type(method.returns), getattr(obj, entry.methods[op])(*converted)))
    return results


class ListNode:
    """The reference solutions' list node."""

    def __init__(self, val: int = 0, next: ListNode | None = None) -> None:
        self.val = val
        self.next = next


class TreeNode:
    """The reference solutions' tree node."""

    def __init__(self, val: int = 0, left: TreeNode | None = None, right: TreeNode | None = None) -> None:
        self.val = val
        self.left = left
        self.right = right


def _arg(t: Type, v: Any) -> Any:
    if v is None:
        return None
    if t.kind == "ListNode":
        head = None
        for value in reversed(v):
            head = ListNode(value, head)
        return head
    if t.kind == "TreeNode":
        return _tree(v)
    if t.kind == "double":
        return float(v)
    if t.kind in ("array", "list"):
        return [_arg(t.item, x) for x in v]
    if t.kind == "optional":
        return _arg(t.item, v)
    if t.kind == "map":
        return {_key(t.item, k): _arg(t.value, x) for k, x in v.items()}
    if t.kind == "set":
        return {_arg(t.item, x) for x in v}
    return v


def _key(t: Type, key: str) -> Any:
    """A map key as the reference sees it: JSON object keys are text, an `int` key is parsed."""
    return int(key) if t.kind in ("int", "long") else key


def _tree(values: list[Any]) -> TreeNode | None:
    if not values or values[0] is None:
        return None
    nodes = [None if v is None else TreeNode(v) for v in values]
    kids, position = [nodes[0]], 1
    for node in kids:
        assert node is not None
        for side in ("left", "right"):
            if position < len(nodes):
                setattr(node, side, nodes[position])
                if nodes[position] is not None:
                    kids.append(nodes[position])
                position += 1
    return nodes[0]


def _out(t: Type, v: Any) -> Any:
    if t.kind in ("ListNode", "TreeNode") and v is None:
        return []
    if t.kind == "void" or v is None:
        return None
    if t.kind == "ListNode":
        values = []
        while v is not None:
            values.append(v.val)
            v = v.next
        return values
    if t.kind == "TreeNode":
        flat: list[Any] = []
        queue = [v]
        for node in queue:
            if node is None:
                flat.append(None)
                continue
            flat.append(node.val)
            queue += [node.left, node.right]
        while flat and flat[-1] is None:
            flat.pop()
        return flat
    if t.kind in ("array", "list"):
        return [_out(t.item, x) for x in v]
    if t.kind == "optional":
        return _out(t.item, v)
    if t.kind == "tuple":
        return [_out(s, x) for s, x in zip(t.items, v, strict=True)]
    if t.kind == "double":
        return float(v)
    if t.kind == "map":
        return {str(k): _out(t.value, x) for k, x in v.items()}
    if t.kind == "set":
        return [_out(t.item, x) for x in v]
    if t.kind == "json":
        return _json(v)
    return v


def _json(v: Any) -> Any:
    """A JSON value as plain data: tuples become lists, a container is copied (the code may keep mutating it)."""
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v
