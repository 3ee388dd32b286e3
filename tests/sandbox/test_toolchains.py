"""Each language's toolchain inside the sandbox: hello world, stdin, compile errors with line numbers."""

from __future__ import annotations

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.sandbox.port import Limits
from coach.sandbox.toolchains import Toolchain, find_binaries

ALL = ["python", "javascript", "java", "go"]
RUN = Limits(cpu_seconds=3, wall_seconds=10, memory_mb=256, processes=64)

ECHO_DOUBLED = {
    "python": b"import sys\nfor line in sys.stdin:\n    print(int(line) * 2)\n",
    "javascript": (
        b"const lines = require('fs').readFileSync(0, 'utf8').trim().split('\\n');\n"
        b"for (const l of lines) console.log(Number(l) * 2);\n"
    ),
    "java": (
        b"import java.io.*;\n"
        b"public class Main {\n"
        b"  public static void main(String[] a) throws IOException {\n"
        b"    BufferedReader r = new BufferedReader(new InputStreamReader(System.in));\n"
        b"    String l;\n"
        b"    while ((l = r.readLine()) != null) System.out.println(Integer.parseInt(l.trim()) * 2);\n"
        b"  }\n"
        b"}\n"
    ),
    "go": (
        b'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strconv"\n)\n\n'
        b"func main() {\n\ts := bufio.NewScanner(os.Stdin)\n\tfor s.Scan() {\n"
        b"\t\tn, _ := strconv.Atoi(s.Text())\n\t\tfmt.Println(n * 2)\n\t}\n}\n"
    ),
}
HELLO = {
    "python": b"print('hello, world')\n",
    "javascript": b"console.log('hello, world');\n",
    "java": b'public class Main { public static void main(String[] a) { System.out.println("hello, world"); } }\n',
    "go": b'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n',
}
# A type error on line 4 of each program.
BROKEN = {
    "java": b"public class Main {\n  public static void main(String[] a) {\n    int x = 1;\n    String s = x;\n  }\n}\n",
    "go": b"package main\n\nfunc main() {\n\tvar s string = 1\n\t_ = s\n}\n",
}


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_hello_world(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    results = await sandbox.run({toolchain.source_file: HELLO[toolchain.language]}, toolchain.steps(b"", RUN))
    assert all(r.ok for r in results), [(r.exit_code, r.limit, r.stderr[-500:]) for r in results]
    assert results[-1].stdout == b"hello, world\n"


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_stdin_is_passed(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    files = {toolchain.source_file: ECHO_DOUBLED[toolchain.language]}
    results = await sandbox.run(files, toolchain.steps(b"1\n21\n-4\n", RUN))
    assert results[-1].ok, results[-1].stderr[-500:]
    assert results[-1].stdout == b"2\n42\n-8\n"


@pytest.mark.parametrize("toolchain", ["java", "go"], indirect=True)
async def test_compile_errors_come_back_on_stderr_with_line_numbers(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    results = await sandbox.run(
        {toolchain.source_file: BROKEN[toolchain.language]}, toolchain.steps(b"", RUN)
    )
    assert len(results) == 1, "the run step must not follow a failed compile"
    [compiled] = results
    assert compiled.exit_code not in (0, None)
    assert compiled.limit is None
    assert f"{toolchain.source_file}:4".encode() in compiled.stderr, compiled.stderr


@pytest.mark.parametrize("toolchain", ["java"], indirect=True)
async def test_java_single_jvm_mode_compiles_and_runs(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    from dataclasses import replace

    single = replace(toolchain, java_single_jvm=True)
    assert single.compile_steps() == []
    [result] = await sandbox.run({"Main.java": HELLO["java"]}, single.steps(b"", RUN))
    assert result.ok, result.stderr
    assert result.stdout == b"hello, world\n"


def test_missing_language_is_reported_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coach.sandbox.toolchains.SYSTEM_PATH", "/nonexistent")
    found = find_binaries("go")
    assert isinstance(found, str)
    assert "go is not installed" in found


def test_discovery_found_versions(toolchains: dict[str, Toolchain]) -> None:
    for language, found in toolchains.items():
        if found.available:
            assert found.version[0].isdigit(), language
        else:
            assert found.reason, language


@pytest.mark.parametrize("toolchain", ["java"], indirect=True)
async def test_javac_runs_with_its_class_data_archive(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    assert toolchain.javac_archive.startswith("/opt/coach-shared/javac-")
    [compile_step] = toolchain.compile_steps()
    assert f"-J-XX:SharedArchiveFile={toolchain.javac_archive}" in compile_step.argv
    results = await sandbox.run({"Main.java": HELLO["java"]}, toolchain.steps(b"", RUN))
    assert [r.ok for r in results] == [True, True]
    # A JVM that cannot map the archive says so: nothing on either stream means it was used.
    assert results[0].stdout == results[0].stderr == b""
