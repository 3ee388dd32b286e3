"""Per-language harness generation: the files and steps that run a candidate's code over the cases."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from coach.domain.judge.spec import JudgeSpec
from coach.judge import go_harness, java_harness, js_harness, python_harness
from coach.sandbox.port import Limits, Step
from coach.sandbox.toolchains import RESERVING_AS_MB

LANGUAGES: tuple[str, ...] = ("python", "javascript", "java", "go")
STARTUP_SECONDS: dict[str, float] = {"python": 1.0, "javascript": 1.0, "java": 2.0, "go": 1.0}
"""What starting the language's runtime may take on top of the cases' own time."""
RUN_OUTPUT_KB = 16 * 1024
"""The run step's stdout cap: large cases return megabytes of JSON (a 300x300 matrix, 10^4 words)."""


@dataclass(frozen=True, slots=True)
class Harness:
    """Files and compile steps for one language; `run_step` makes the step that runs given cases."""

    language: str
    files: Mapping[str, bytes]
    compile_steps: Sequence[Step]
    run_argv: Sequence[str]
    code_file: str
    line_offset: int = 0
    """Lines the harness put above the candidate's code in `code_file` (compile errors are shifted back)."""
    run_env: Mapping[str, str] = field(default_factory=dict)
    run_memory_mb: int = 512
    run_address_space_mb: int = 0
    """The run's RLIMIT_AS when no memory cgroup is available (see `Limits.address_space_mb`)."""

    def run_step(self, payload: bytes, seconds: float) -> Step:
        """The step that runs the harness over `payload`, allowed `seconds` of CPU and wall time."""
        limits = Limits(
            cpu_seconds=seconds,
            wall_seconds=seconds + 2.0,
            memory_mb=self.run_memory_mb,
            address_space_mb=self.run_address_space_mb,
            output_kb=RUN_OUTPUT_KB,
            file_size_kb=1024,
            processes=64,
        )
        return Step(argv=self.run_argv, stdin=payload, limits=limits, env=self.run_env)


def build(spec: JudgeSpec, language: str, code: str) -> Harness:
    """The harness that runs `code` (the candidate's whole answer) for `spec` in `language`."""
    if language == "python":
        files = {"harness.py": python_harness.SOURCE.encode(), python_harness.FILE: code.encode()}
        if spec.driver:
            files[python_harness.DRIVER_FILE] = spec.driver["python"].encode()
        return Harness(
            "python",
            files,
            (),
            python_harness.ARGV,
            python_harness.FILE,
        )
    if language == "javascript":
        files = {"harness.js": js_harness.SOURCE.encode(), js_harness.FILE: code.encode()}
        if spec.driver:
            files[js_harness.DRIVER_FILE] = spec.driver["javascript"].encode()
        return Harness(
            "javascript",
            files,
            (),
            js_harness.ARGV,
            js_harness.FILE,
            run_address_space_mb=RESERVING_AS_MB,
        )
    if language == "java":
        files, offset, code_file = java_harness.files(spec, code)
        return Harness(
            "java",
            files,
            (java_harness.compile_step(sorted(files)),),
            java_harness.RUN_ARGV,
            code_file,
            offset,
            run_memory_mb=1024,
            run_address_space_mb=RESERVING_AS_MB,
        )
    if language == "go":
        files, offset = go_harness.files(spec, code)
        return Harness(
            "go",
            files,
            (go_harness.compile_step(sorted(files)),),
            go_harness.RUN_ARGV,
            go_harness.FILE,
            offset,
            run_memory_mb=512,
            run_env={"GOMEMLIMIT": "384MiB"},
            run_address_space_mb=RESERVING_AS_MB,
        )
    raise ValueError(f"unsupported language {language!r}")


def payload(spec: JudgeSpec, language: str, marker: str, cases: Sequence[tuple[int, Any]]) -> bytes:
    """The JSON the harness reads on stdin: the marker, the entry point, the types and the cases."""
    entry = spec.entry[language]

    def tree(text: str) -> Any:
        return msgspec.to_builtins(spec.type(text))

    names = [p.name for p in spec.params]
    body = {
        "marker": marker,
        "kind": spec.kind,
        "driver": bool(spec.driver),
        "entry": {
            "name": entry.name,
            "class": entry.class_name,
            "methods": entry.methods,
            "maps": entry.maps,
            "records": entry.records,
        },
        "records": {
            name: {"fields": list(t.fields), "items": [msgspec.to_builtins(i) for i in t.items]}
            for name, t in spec.record_types().items()
        },
        "params": [tree(p.type) for p in spec.params],
        "returns": tree(spec.returns),
        "mutates": names.index(spec.mutates) if spec.mutates else -1,
        "constructor": [tree(p.type) for p in spec.constructor],
        "methods": {
            m.name: {"params": [tree(p.type) for p in m.params], "returns": tree(m.returns)}
            for m in spec.methods
        },
        "cases": [{"i": index, "args": args} for index, args in cases],
    }
    return json.dumps(body, separators=(",", ":")).encode()


def signature(spec: JudgeSpec, language: str) -> str:
    """What the harness calls, in the language's own terms (for messages when the call does not compile)."""
    entry = spec.entry[language]
    if spec.driver:
        # The driver calls the starter code's own declarations (a class, a constructor, methods, callbacks).
        return f"the declarations of the starter code ({entry.name} and its signatures, unchanged)"
    if language == "java":
        return java_harness.signature(spec)
    if language == "go":
        return go_harness.signature(spec)
    if spec.kind == "function":
        names = ", ".join(p.name for p in spec.params)
        return f"def {entry.name}({names})" if language == "python" else f"function {entry.name}({names})"
    methods = ", ".join(entry.methods[m.name] for m in spec.methods)
    return f"class {entry.class_name} with a constructor and methods {methods}"


def translate_compile_error(spec: JudgeSpec, harness: Harness, text: str) -> str:
    """Compiler output with the candidate's line numbers and the harness's own files explained."""
    code = re.escape(harness.code_file)

    def shift(match: re.Match[str]) -> str:
        return f"line {max(1, int(match.group(1)) - harness.line_offset)}"

    lines: list[str] = []
    in_harness = False
    for line in text.splitlines():
        if re.search(r"(JudgeMain\.java|JudgeDriver\.java|judge_main\.go|judge_driver\.go):\d+", line):
            in_harness = True
        line = re.sub(rf"(?:\./)?{code}:(\d+)", shift, line)
        line = re.sub(
            r"(?:\./)?(JudgeMain\.java|JudgeDriver\.java|judge_main\.go|judge_driver\.go|judge_nodes\.go"
            r"|ListNode\.java|TreeNode\.java):(\d+)",
            "judge harness",
            line,
        )
        if line.startswith("# command-line-arguments"):
            continue
        lines.append(line)
    message = "\n".join(lines).strip()
    if in_harness:
        message = (
            f"The judge could not call your code: it expects {signature(spec, harness.language)}.\n" + message
        )
    return message
