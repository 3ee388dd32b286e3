"""The architecture as a test: which package may import which (read from every module's imports)."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import coach

ROOT = Path(coach.__file__).parent

ENTRY = {"app", "cli", "runtime", "worker_process", "serving", "__main__"}
"""Composition roots: they wire everything together, and nothing below them imports them."""

FORBIDDEN: dict[str, set[str]] = {
    # Transports: each one call into the use cases; no queries of their own, no other transport.
    "api": {"ws", "jobs", "store", "llm", "sandbox", "judge", "broker", "embeddings"},
    "ws": {"api", "jobs", "store", "llm", "sandbox", "judge", "embeddings"},
    # Use cases and the worker loops: no transport.
    "services": {"api", "ws", "jobs"},
    "jobs": {"api", "ws"},
    # Adapters: no use cases, transports or workers above them.
    "store": {"services", "api", "ws", "jobs", "llm", "broker", "sandbox", "judge", "auth"},
    "broker": {"services", "api", "ws", "jobs", "store", "llm", "sandbox", "judge"},
    "llm": {"services", "api", "ws", "jobs", "store", "broker", "sandbox", "judge"},
    "sandbox": {"services", "api", "ws", "jobs", "store", "llm", "broker", "judge"},
    "judge": {"services", "api", "ws", "jobs", "store", "llm", "broker"},
    "embeddings": {"services", "api", "ws", "jobs", "store", "llm", "broker", "sandbox", "judge"},
    "auth": {"services", "api", "ws", "jobs", "llm", "sandbox", "judge"},
}
"""What each package must not import (every package is also barred from the composition roots)."""

ALLOWED_EXCEPTIONS = {
    ("api", "coach.store.models"),
    ("ws", "coach.store.models"),
    ("api", "coach.runtime"),
    ("ws", "coach.runtime"),
}
"""Transports name the entities (the authenticated `User`) and the runtime their dependencies come from
in their signatures; nothing else of the store, and the runtime imports no transport back."""

DOMAIN_THIRD_PARTY = {"msgspec", "zxcvbn"}
"""The domain is pure: the standard library, msgspec types and zxcvbn (a pure password estimator)."""


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


MODULES = sorted(ROOT.rglob("*.py"))


def test_the_layout_is_read() -> None:
    assert len(MODULES) > 100
    assert {_package(p) for p in MODULES} >= {"api", "ws", "services", "store", "domain", "jobs"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_what_its_layer_may(path: Path) -> None:
    package = _package(path)
    if package in ENTRY:
        return
    wrong: list[str] = []
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "coach" and len(parts) > 1:
            target = parts[1]
            allowed = any(name.startswith(a) for p, a in ALLOWED_EXCEPTIONS if p == package)
            if allowed:
                continue
            if (
                target in ENTRY
                or (package == "domain" and target != "domain")
                or target in FORBIDDEN.get(package, set())
            ):
                wrong.append(name)
        elif (
            package == "domain"
            and parts[0] not in sys.stdlib_module_names
            and parts[0] not in DOMAIN_THIRD_PARTY
            and parts[0] != "coach"
        ):
            wrong.append(name)
    assert not wrong, f"{path.relative_to(ROOT)} ({package}) imports {wrong}"


def test_packages_import_each_other_without_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in MODULES:
        package = _package(path)
        if package in ENTRY:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "coach" and len(parts) > 1 and parts[1] != package and parts[1] not in ENTRY:
                edges[package].add(parts[1])

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    return [*trail, nxt]
                if nxt not in trail:
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for c in (cycle_from(p) for p in sorted(edges)) if c]
    assert not cycles, cycles[0]
