"""Which of the four languages can run here, their versions, and how to run each inside the sandbox.

Discovery runs each toolchain's version command *inside* the sandbox, so "available" means "works
under bwrap with our binds and limits", not only "is on the host's PATH". The step builders carry what
each runtime needs once the environment is cleared and memory is capped:

- Python: `-B -E -s` (no bytecode files, no PYTHON* variables, no user site).
- JavaScript: `--max-old-space-size` under the memory limit, or V8 aborts with an unhelpful message.
- Java: the JVM sizes its heap from the host's RAM (it cannot see the cgroup: /sys is not mounted),
  so `-Xmx` is set from the limit; `-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto` start it
  fast with few threads; `-XX:-UsePerfData` stops it writing /tmp/hsperfdata. `javac` is a second
  JVM start; the single-file source launcher (`java Main.java`) compiles and runs in one JVM.
- Go: `GOCACHE`/`GOPATH`/`HOME` inside the job directory (a cleared environment has none), no cgo,
  no module downloads, and `GOMEMLIMIT` from the limit. Build, then run the binary: `go run` would
  hide the compile in the run's timing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from coach.sandbox.port import Limits, Sandbox, Step, StepResult

Language = Literal["python", "javascript", "java", "go"]
LANGUAGES: tuple[Language, ...] = ("python", "javascript", "java", "go")
SYSTEM_PATH = "/usr/bin:/bin"
"""Where toolchains are looked up: only system directories are visible inside the sandbox."""

COMPILE_LIMITS = Limits(
    cpu_seconds=10.0,
    wall_seconds=15.0,
    memory_mb=768,
    processes=128,
    open_files=512,
    file_size_kb=64 * 1024,
    output_kb=64,
)
"""What `javac` or `go build` may use: a JVM or the Go toolchain's processes, a binary of a few MB."""

RUN_PROCESSES = {"python": 16, "javascript": 32, "java": 64, "go": 64}
"""Processes (threads count too) a run needs: V8, the JVM and the Go runtime start several threads."""

_VERSION = re.compile(r"(\d+(?:\.\d+)+)")


@dataclass(frozen=True, slots=True)
class Toolchain:
    """One language's toolchain as found here, and the steps that compile and run a program in it."""

    language: Language
    available: bool
    version: str = ""
    reason: str = ""
    """Why it is unavailable (empty when available)."""
    binaries: Mapping[str, str] = field(default_factory=dict)
    source_file: str = ""
    java_single_jvm: bool = False
    """Java: compile and run in one JVM (`java Main.java`) instead of `javac` then `java`."""
    javac_archive: str = ""
    """Java: a CDS archive of javac's classes, as the sandbox sees it (halves javac's start-up)."""

    def compile_steps(self, limits: Limits = COMPILE_LIMITS) -> list[Step]:
        """The steps that build `source_file` (none for Python and JavaScript)."""
        limits = _reserving(limits)
        if self.language == "java" and not self.java_single_jvm:
            flags = _jvm_flags(limits.memory_mb, prefix="-J")
            if self.javac_archive:
                flags.append(f"-J-XX:SharedArchiveFile={self.javac_archive}")
            argv = [self.binaries["javac"], *flags, "-encoding", "UTF-8"]
            return [Step([*argv, "-d", ".", self.source_file], limits=limits)]
        if self.language == "go":
            argv = [self.binaries["go"], "build", "-o", "main", self.source_file]
            return [Step(argv, limits=limits, env=go_env())]
        return []

    def run_step(self, stdin: bytes, limits: Limits) -> Step:
        """The step that runs the built program over `stdin`."""
        if self.language != "python":
            limits = _reserving(limits)
        if self.language == "python":
            return Step(
                [self.binaries["python3"], "-B", "-E", "-s", self.source_file], stdin=stdin, limits=limits
            )
        if self.language == "javascript":
            heap = max(16, limits.memory_mb * 3 // 4)
            argv = [self.binaries["node"], f"--max-old-space-size={heap}", self.source_file]
            return Step(argv, stdin=stdin, limits=limits)
        if self.language == "java":
            flags = _jvm_flags(limits.memory_mb)
            main = self.source_file if self.java_single_jvm else self.source_file.removesuffix(".java")
            return Step([self.binaries["java"], *flags, "-cp", ".", main], stdin=stdin, limits=limits)
        env = {**go_env(), "GOMEMLIMIT": f"{max(8, limits.memory_mb * 3 // 4)}MiB"}
        return Step(["./main"], stdin=stdin, limits=limits, env=env)

    def steps(self, stdin: bytes, limits: Limits, compile_limits: Limits = COMPILE_LIMITS) -> list[Step]:
        """Compile (if the language needs it) then run."""
        return [*self.compile_steps(compile_limits), self.run_step(stdin, limits)]


RESERVING_AS_MB = 4096
"""RLIMIT_AS (used only without a memory cgroup) for node, the JVM and Go, which reserve gigabytes of
address space they never touch; their heap flags bound what they really use."""


def _reserving(limits: Limits) -> Limits:
    return replace(limits, address_space_mb=max(limits.address_space_mb, RESERVING_AS_MB))


def _jvm_flags(memory_mb: int, prefix: str = "") -> list[str]:
    # Heap under the limit with room for metaspace, code cache, thread stacks and the JVM itself.
    heap = max(32, memory_mb - 160) if memory_mb > 256 else max(16, memory_mb // 2)
    flags = [
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xshare:auto",
        "-XX:-UsePerfData",
        f"-Xmx{heap}m",
        "-Xss64m",
        "-XX:ReservedCodeCacheSize=64m",
        "-XX:CompressedClassSpaceSize=64m",
        "-XX:MaxMetaspaceSize=128m",
        "-Djava.io.tmpdir=/job/.tmp",
    ]
    return [prefix + f for f in flags]


def go_env() -> dict[str, str]:
    """What `go build` and a Go binary need in a cleared environment, all inside the job directory."""
    return {
        "GOCACHE": "/job/.cache/go-build",
        "GOPATH": "/job/.go",
        "GO111MODULE": "off",
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    }


SOURCE_FILES: dict[Language, str] = {
    "python": "main.py",
    "javascript": "main.js",
    "java": "Main.java",
    "go": "main.go",
}
_NEEDS: dict[Language, tuple[str, ...]] = {
    "python": ("python3",),
    "javascript": ("node",),
    "java": ("java", "javac"),
    "go": ("go",),
}
_VERSION_ARGV: dict[Language, tuple[str, ...]] = {
    "python": ("python3", "--version"),
    "javascript": ("node", "--version"),
    "java": ("javac", "-J-Xmx128m", "-J-XX:CompressedClassSpaceSize=64m", "-version"),
    "go": ("go", "version"),
}
_PROBE_LIMITS = Limits(
    cpu_seconds=10.0,
    wall_seconds=20.0,
    memory_mb=768,
    processes=128,
    open_files=512,
    file_size_kb=1024,
    address_space_mb=RESERVING_AS_MB,
)


def find_binaries(language: Language) -> dict[str, str] | str:
    """The language's binaries in the system directories, or why they are missing."""
    found: dict[str, str] = {}
    for name in _NEEDS[language]:
        path = shutil.which(name, path=SYSTEM_PATH)
        if path is None:
            return f"{name} is not installed (see docs/sandbox.md for the Debian package)"
        found[name] = path
    return found


async def discover(
    sandbox: Sandbox, *, java_single_jvm: bool = False, shared: tuple[Path, str] | None = None
) -> dict[Language, Toolchain]:
    """Each language's toolchain, checked by running its version command inside `sandbox`.

    With `shared` (the sandbox's read-only shared directory: host path, path inside), Java also gets a
    javac CDS archive there, made once and checked inside the sandbox before it is used.
    """
    if not sandbox.available():
        return {lang: Toolchain(lang, False, reason="the sandbox is unavailable") for lang in LANGUAGES}

    async def one(language: Language) -> Toolchain:
        binaries = find_binaries(language)
        if isinstance(binaries, str):
            return Toolchain(language, False, reason=binaries)
        name, *args = _VERSION_ARGV[language]
        env = go_env() if language == "go" else {}
        results = await sandbox.run({}, [Step([binaries[name], *args], limits=_PROBE_LIMITS, env=env)])
        return _judge_probe(language, binaries, results, java_single_jvm)

    found = {t.language: t for t in await asyncio.gather(*(one(lang) for lang in LANGUAGES))}
    java = found["java"]
    if shared is not None and java.available and not java_single_jvm:
        archive = await _javac_archive(java, sandbox, *shared)
        if archive:
            found["java"] = replace(java, javac_archive=archive)
    return found


_ARCHIVE_PROBE = b"import java.util.*;\npublic class Main { public static void main(String[] a) { System.out.println(new ArrayList<>(List.of(1))); } }\n"


async def _javac_archive(java: Toolchain, sandbox: Sandbox, host_dir: Path, inside_dir: str) -> str:
    """Make (once) and check javac's CDS archive in the shared directory; "" when it cannot be used."""
    flags = _jvm_flags(COMPILE_LIMITS.memory_mb, prefix="-J")
    key = hashlib.sha256("\0".join([java.binaries["javac"], java.version, *flags]).encode()).hexdigest()[:12]
    name = f"javac-{java.version}-{key}.jsa"
    target = host_dir / name
    if not target.exists():
        # javac here compiles our own probe, as the server, to record which classes it loads.
        with tempfile.TemporaryDirectory(prefix="coach-cds-") as tmp:
            (Path(tmp) / "Main.java").write_bytes(_ARCHIVE_PROBE)
            # Dumped beside the target and renamed into place: other servers may be reading it.
            scratch = host_dir / f".{name}.{os.getpid()}.tmp"
            proc = await asyncio.create_subprocess_exec(
                java.binaries["javac"],
                *flags,
                f"-J-XX:ArchiveClassesAtExit={scratch}",
                "Main.java",
                cwd=tmp,
                env={"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            if await proc.wait() != 0 or not scratch.exists():
                scratch.unlink(missing_ok=True)
                return ""
            scratch.chmod(0o644)
            scratch.replace(target)
    inside = f"{inside_dir}/{name}"
    probe = replace(java, javac_archive=inside)
    results = await sandbox.run({"Main.java": _ARCHIVE_PROBE}, probe.compile_steps())
    # A stale or mismatched archive makes the JVM warn on stdout: then do without it.
    if not results[0].ok or results[0].stdout or results[0].stderr:
        target.unlink(missing_ok=True)
        return ""
    return inside


def _judge_probe(
    language: Language, binaries: dict[str, str], results: Sequence[StepResult], java_single_jvm: bool
) -> Toolchain:
    result = results[0]
    text = (result.stdout + result.stderr).decode(errors="replace")
    match = _VERSION.search(text)
    if not result.ok or match is None:
        why = result.limit or f"exit {result.exit_code}"
        return Toolchain(
            language, False, reason=f"{language} does not run in the sandbox ({why}): {text[:200]}"
        )
    return Toolchain(
        language,
        True,
        version=match.group(1),
        binaries=binaries,
        source_file=SOURCE_FILES[language],
        java_single_jvm=java_single_jvm,
    )
