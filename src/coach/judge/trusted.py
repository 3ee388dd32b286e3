"""The spec's own Python (case generators, validators, the Python reference): trusted bank code, run here.

Only code shipped in the bank runs in-process; a candidate's code only ever runs in the sandbox.
Generated cases' expected outputs come from the Python reference, computed once per process.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from coach.domain.judge.spec import RAISES, Case, JudgeSpec
from coach.domain.judge.types import Type, norm_field

_lock = threading.Lock()
_namespaces: dict[tuple[str, str], dict[str, Any]] = {}
_expected: dict[tuple[str, int], Any] = {}
_generated: dict[tuple[str, int], Any] = {}


def _namespace(spec: JudgeSpec, part: str, code: str) -> dict[str, Any]:
    key = (spec.id, part)
    with _lock:
        if key not in _namespaces:
            # A module of its own, so a dataclass in the code (a record) finds its module's globals.
            module = ModuleType(f"judge_{part}_{spec.id.replace('-', '_')}")
            sys.modules[module.__name__] = module
            namespace: dict[str, Any] = module.__dict__
            if part == "reference":
                namespace.update(ListNode=ListNode, TreeNode=TreeNode)
            source = compile(code, f"{spec.id}:{part}", "exec", dont_inherit=True)
            exec(source, namespace)  # noqa: S102 - bank code, not a candidate's
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
    conv = _Convert(spec.record_types(), entry.records, namespace)
    if spec.kind == "function":
        types = spec.param_types()
        values = [conv.arg(t, v) for t, v in zip(types, args, strict=True)]
        target = _driver(spec, namespace) if spec.driver else namespace[entry.name]
        result = target(*values)
        if spec.mutates:
            position = [p.name for p in spec.params].index(spec.mutates)
            return conv.out(types[position], values[position])
        return conv.out(spec.type(spec.returns), result)
    ops, calls = args
    ctor_types = [spec.type(p.type) for p in spec.constructor]
    obj = namespace[entry.class_name](*[conv.arg(t, v) for t, v in zip(ctor_types, calls[0], strict=True)])
    results: list[Any] = [None]
    for op, values in zip(ops[1:], calls[1:], strict=True):
        method = spec.method(op)
        converted = [conv.arg(spec.type(p.type), v) for p, v in zip(method.params, values, strict=True)]
        results.append(conv.out(spec.type(method.returns), getattr(obj, entry.methods[op])(*converted)))
    return results


class JudgeBad(Exception):
    """What a driver raises when the code under it misbehaves (the sandbox harness's own `Bad`)."""


def _driver(spec: JudgeSpec, namespace: dict[str, Any]) -> Callable[..., Any]:
    """The spec's Python driver over the reference: its globals are a copy of the reference's, as in the harness."""
    key = (spec.id, "driver")
    with _lock:
        if key not in _namespaces:
            driven = dict(namespace)
            driven["JudgeBad"] = JudgeBad
            exec(compile(spec.driver["python"], f"{spec.id}:driver", "exec", dont_inherit=True), driven)  # noqa: S102
            _namespaces[key] = driven
        fn: Callable[..., Any] = _namespaces[key]["judge_driver"]
        return fn


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


class _Convert:
    """JSON data to the reference's values and back; records as the spec's `entry.python.records` says."""

    def __init__(self, records: dict[str, Type], how: dict[str, str], namespace: dict[str, Any]) -> None:
        self.records = records
        self.how = how
        self.namespace = namespace

    def arg(self, t: Type, v: Any) -> Any:
        if v is None:
            return None
        if t.kind == "record":
            return self.record_arg(t, v)
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
            return [self.arg(t.item, x) for x in v]
        if t.kind == "optional":
            return self.arg(t.item, v)
        if t.kind == "map":
            return {_key(t.item, k): self.arg(t.value, x) for k, x in v.items()}
        if t.kind == "set":
            return {self.arg(t.item, x) for x in v}
        return v

    def record_arg(self, t: Type, v: Any) -> Any:
        full = self.records[t.name]
        values = [self.arg(ft, v.get(f)) for f, ft in zip(full.fields, full.items, strict=True)]
        how = self.how.get(t.name) or ("class" if isinstance(self.namespace.get(t.name), type) else "dict")
        if how == "tuple":
            return tuple(values)
        if how == "dict":
            return dict(zip(full.fields, values, strict=True))
        return self.namespace[t.name](*values)

    def out(self, t: Type, v: Any) -> Any:
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
            return [self.out(t.item, x) for x in v]
        if t.kind == "optional":
            return self.out(t.item, v)
        if t.kind == "tuple":
            return [self.out(s, x) for s, x in zip(t.items, v, strict=True)]
        if t.kind == "double":
            return float(v)
        if t.kind == "map":
            return {str(k): self.out(t.value, x) for k, x in v.items()}
        if t.kind == "set":
            return [self.out(t.item, x) for x in v]
        if t.kind == "record":
            return self.record_out(t, v)
        if t.kind == "json":
            return _json(v)
        return v

    def record_out(self, t: Type, v: Any) -> Any:
        full = self.records[t.name]
        if isinstance(v, tuple | list):
            return {f: self.out(ft, x) for f, ft, x in zip(full.fields, full.items, v, strict=True)}
        if isinstance(v, dict):
            keys = {norm_field(k): k for k in v}
            return {
                f: self.out(ft, v[keys[norm_field(f)]]) for f, ft in zip(full.fields, full.items, strict=True)
            }
        names = {norm_field(k): k for k in dir(v) if not k.startswith("__")}
        return {
            f: self.out(ft, getattr(v, names[norm_field(f)]))
            for f, ft in zip(full.fields, full.items, strict=True)
        }


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


def _json(v: Any) -> Any:
    """A JSON value as plain data: tuples become lists, a container is copied (the code may keep mutating it)."""
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v
