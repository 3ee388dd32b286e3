"""The bubblewrap adapter on ordinary programs: output, stdin, exit codes, steps, accounting."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from pathlib import Path

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox, default_work_root
from coach.sandbox.port import Limits, Step
from tests.sandbox.conftest import require

QUICK = Limits(cpu_seconds=2, wall_seconds=10)


async def test_python_hello_world(sandbox: BubblewrapSandbox) -> None:
    [result] = await sandbox.run({"main.py": b"print('hello')"}, [Step(["python3", "main.py"], limits=QUICK)])
    assert result.ok
    assert result.stdout == b"hello\n"
    assert result.stderr == b""
    assert not result.stdout_truncated
    assert result.wall_seconds > 0
    assert result.cpu_seconds > 0


async def test_stdin_reaches_the_program(sandbox: BubblewrapSandbox) -> None:
    code = b"import sys\nfor line in sys.stdin: print(line.strip()[::-1])"
    [result] = await sandbox.run({"main.py": code}, [Step(["python3", "main.py"], stdin=b"abc\nxyz\n")])
    assert result.stdout == b"cba\nzyx\n"


async def test_exit_code_and_stderr_come_back(sandbox: BubblewrapSandbox) -> None:
    code = b"import sys\nsys.stderr.write('bad\\n')\nsys.exit(3)"
    [result] = await sandbox.run({"main.py": code}, [Step(["python3", "main.py"])])
    assert result.exit_code == 3
    assert result.limit is None
    assert not result.ok
    assert result.stderr == b"bad\n"


async def test_steps_share_the_job_directory_and_stop_at_the_first_failure(
    sandbox: BubblewrapSandbox,
) -> None:
    steps = [
        Step(["/bin/sh", "-c", "echo built > out.txt"]),
        Step(["/bin/sh", "-c", "cat out.txt; exit 1"]),
        Step(["/bin/sh", "-c", "echo never"]),
    ]
    results = await sandbox.run({}, steps)
    assert [r.exit_code for r in results] == [0, 1]
    assert results[1].stdout == b"built\n"


async def test_files_land_in_subdirectories(sandbox: BubblewrapSandbox) -> None:
    [result] = await sandbox.run({"pkg/data.txt": b"42"}, [Step(["/bin/cat", "pkg/data.txt"])])
    assert result.stdout == b"42"


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b"])
async def test_unsafe_file_names_are_refused(sandbox: BubblewrapSandbox, name: str) -> None:
    with pytest.raises(ValueError, match="unsafe"):
        await sandbox.run({name: b"x"}, [Step(["/bin/true"])])


async def test_step_env_is_added_and_nothing_else(sandbox: BubblewrapSandbox) -> None:
    [result] = await sandbox.run({}, [Step(["/usr/bin/env"], env={"GREETING": "hi"})])
    lines = set(result.stdout.decode().splitlines())
    assert "GREETING=hi" in lines
    assert "HOME=/job" in lines
    assert {line.split("=", 1)[0] for line in lines} <= {"PATH", "HOME", "LANG", "TMPDIR", "PWD", "GREETING"}


async def test_runs_as_nobody(sandbox: BubblewrapSandbox) -> None:
    [result] = await sandbox.run({}, [Step(["/usr/bin/id", "-u"])])
    assert result.stdout == b"65534\n"


async def test_memory_is_measured(sandbox: BubblewrapSandbox) -> None:
    code = b"x = bytearray(80 * 1024 * 1024)\nprint(len(x))"
    [result] = await sandbox.run({"m.py": code}, [Step(["python3", "m.py"], limits=Limits(memory_mb=256))])
    assert result.ok
    assert result.max_rss_kb > 80 * 1024


def test_unavailable_without_bwrap() -> None:
    box = BubblewrapSandbox(bwrap="/nonexistent/bwrap")
    assert box.available() is False
    assert "bwrap not found" in box.why_unavailable


async def test_a_cancelled_run_leaves_no_process_or_directory() -> None:
    root = default_work_root().parent / f"coach-sandbox-test-{secrets.token_hex(4)}"
    box = BubblewrapSandbox(work_root=root)
    require(box.available(), f"the sandbox is unavailable: {box.why_unavailable}")
    tag = f"cancel-{secrets.token_hex(6)}"
    try:
        task = asyncio.create_task(
            box.run({}, [Step(["python3", "-c", "import time; time.sleep(600)", tag], limits=QUICK)])
        )
        await asyncio.sleep(0.5)
        assert list(root.glob("job-*")), "the run should be under way"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert list(root.glob("job-*")) == []
        assert [p for p in Path("/proc").glob("[0-9]*/cmdline") if tag.encode() in _read(p)] == []
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
