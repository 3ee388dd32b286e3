"""Without a writable cgroup the sandbox falls back to rlimits: still contained, still reported."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.sandbox.port import Limits, Step
from tests.sandbox.conftest import require


@pytest.fixture(scope="module")
def plain() -> BubblewrapSandbox:
    box = BubblewrapSandbox(use_cgroups=False)
    require(box.available(), f"the sandbox is unavailable: {box.why_unavailable}")
    assert box.cgroups is None
    return box


async def test_memory_bomb_stops_at_the_address_space_limit(plain: BubblewrapSandbox) -> None:
    code = b"keep = []\nn = 10 ** 7\nwhile True:\n    keep.append(b'a' * n)\n"
    [result] = await plain.run({"m.py": code}, [Step(["python3", "m.py"], limits=Limits(memory_mb=128))])
    assert result.limit == "memory"
    assert b"MemoryError" in result.stderr


async def test_cpu_loop_stops_at_rlimit_cpu(plain: BubblewrapSandbox) -> None:
    limits = Limits(cpu_seconds=1, wall_seconds=8)
    [result] = await plain.run(
        {"l.py": b"while True:\n    pass\n"}, [Step(["python3", "l.py"], limits=limits)]
    )
    assert result.limit == "cpu"
    assert result.signal == 24  # SIGXCPU at the soft limit


async def test_wall_timeout_kills_the_whole_tree(plain: BubblewrapSandbox) -> None:
    tag = f"tree-{secrets.token_hex(6)}"
    # A child in its own session and process group: only the PID namespace dying takes it down.
    code = (
        b"import subprocess, sys, time\n"
        b"subprocess.Popen(['python3', '-c', 'import time; time.sleep(600)', sys.argv[1]], start_new_session=True)\n"
        b"time.sleep(600)\n"
    )
    limits = Limits(wall_seconds=1)
    [result] = await plain.run({"t.py": code}, [Step(["python3", "t.py", tag], limits=limits)])
    assert result.limit == "wall"
    leftovers = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and tag.encode() in (entry / "cmdline").read_bytes():
                leftovers.append(entry.name)
        except OSError:
            continue
    assert leftovers == []


async def test_file_size_limit(plain: BubblewrapSandbox) -> None:
    code = b"open('big', 'wb').write(b'x' * (2 * 1024 * 1024))\n"
    [result] = await plain.run({"f.py": code}, [Step(["python3", "f.py"], limits=Limits(file_size_kb=1024))])
    assert result.limit == "file_size"
