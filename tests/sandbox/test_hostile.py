"""Hostile programs in every language: each is contained, reported with the limit it hit, and harmless.

The programs are what a candidate could paste into the editor. Every test runs the real sandbox (bwrap,
namespaces, cgroups) and the real toolchains; the server process is this test process.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sqlite3
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.sandbox.port import Limits, Step, StepResult
from coach.sandbox.toolchains import Toolchain
from tests.sandbox.conftest import require

ALL = ["python", "javascript", "java", "go"]
REPO = Path(__file__).resolve().parents[2]

JAVA_HEAD = b"import java.io.*;\nimport java.net.*;\nimport java.nio.file.*;\nimport java.util.*;\n"
GO_HEAD = (
    b'package main\n\nimport (\n\t"bufio"\n\t"bytes"\n\t"fmt"\n\t"net"\n\t"os"\n\t"os/exec"\n'
    b'\t"syscall"\n\t"time"\n)\n\nvar _ = bufio.NewScanner\nvar _ = bytes.Repeat\nvar _ = fmt.Println\n'
    b"var _ = net.Dial\nvar _ = exec.Command\nvar _ = syscall.Kill\nvar _ = time.Sleep\nvar _ = os.Exit\n\n"
)


def _java(body: bytes) -> bytes:
    return (
        JAVA_HEAD
        + b"public class Main {\n  public static void main(String[] args) throws Exception {\n"
        + body
        + b"\n  }\n}\n"
    )


def _go(body: bytes, extra: bytes = b"") -> bytes:
    return GO_HEAD + extra + b"func main() {\n" + body + b"\n}\n"


PROGRAMS: dict[str, dict[str, bytes]] = {
    "infinite_loop": {
        "python": b"while True:\n    pass\n",
        "javascript": b"for (;;) {}\n",
        "java": _java(b"long x = 0; while (true) { x++; }"),
        "go": _go(b"for {\n\t\tcounter++\n\t}", b"var counter int\n\n"),
    },
    "fork_bomb": {
        "python": b"import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        "javascript": (
            b"const { spawn } = require('child_process');\n"
            b"for (;;) { try { spawn(process.execPath, process.argv.slice(1), { stdio: 'ignore' }); } catch (e) {} }\n"
        ),
        "java": _java(
            b"while (true) {\n"
            b"  try { new Thread(() -> { try { Thread.sleep(100000); } catch (Exception e) {} }).start(); }\n"
            b"  catch (Throwable t) {}\n"
            b"}"
        ),
        "go": _go(b"for {\n\t\t_ = exec.Command(os.Args[0], os.Args[1:]...).Start()\n\t}"),
    },
    "memory_bomb": {
        "python": b"keep = []\nn = 10 ** 7\nwhile True:\n    keep.append(b'a' * n)\n",
        "javascript": b"const keep = [];\nfor (;;) keep.push(Buffer.alloc(1e7, 1));\n",
        "java": _java(b"List<long[]> keep = new ArrayList<>(); while (true) keep.add(new long[1 << 20]);"),
        "go": _go(
            b"for {\n\t\tb := make([]byte, 1<<24)\n\t\tfor i := range b {\n\t\t\tb[i] = 1\n\t\t}\n"
            b"\t\tkeep = append(keep, b)\n\t}",
            b"var keep [][]byte\n\n",
        ),
    },
    "ten_mb_output": {
        "python": b"import sys\nsys.stdout.write('x' * 10_000_000)\n",
        "javascript": b"process.stdout.write('x'.repeat(1e7));\n",
        "java": _java(b'System.out.print("x".repeat(10_000_000)); System.out.flush();'),
        "go": _go(b'\tos.Stdout.Write(bytes.Repeat([]byte("x"), 10000000))'),
    },
    "sleep_forever": {
        "python": b"import time\ntime.sleep(10 ** 6)\n",
        "javascript": b"setTimeout(() => {}, 2 ** 31 - 1);\n",
        "java": _java(b"Thread.sleep(Long.MAX_VALUE);"),
        "go": _go(b"\ttime.Sleep(time.Hour)"),
    },
    "connect": {
        "python": (
            b"import socket\nfor port in (5432, 6379):\n    try:\n"
            b"        socket.create_connection(('127.0.0.1', port), timeout=2).close()\n"
            b"        print('open', port)\n    except OSError as e:\n        print('closed', port, e)\n"
        ),
        "javascript": (
            b"const net = require('net');\nfor (const port of [5432, 6379]) {\n"
            b"  const s = net.connect(port, '127.0.0.1');\n"
            b"  s.on('connect', () => { console.log('open', port); s.destroy(); });\n"
            b"  s.on('error', (e) => console.log('closed', port, e.code));\n}\n"
        ),
        "java": _java(
            b"for (int port : new int[] {5432, 6379}) {\n"
            b'  try (Socket s = new Socket()) { s.connect(new InetSocketAddress("127.0.0.1", port), 2000);'
            b' System.out.println("open " + port); }\n'
            b'  catch (IOException e) { System.out.println("closed " + port + " " + e); }\n}'
        ),
        "go": _go(
            b'\tfor _, port := range []string{"5432", "6379"} {\n'
            b'\t\tc, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 2*time.Second)\n'
            b'\t\tif err != nil {\n\t\t\tfmt.Println("closed", port, err)\n\t\t\tcontinue\n\t\t}\n'
            b'\t\tc.Close()\n\t\tfmt.Println("open", port)\n\t}'
        ),
    },
    # Paths on stdin, one a line: print each file's content or that it could not be read; then the env.
    "read": {
        "python": (
            b"import os, sys\nfor p in sys.stdin.read().split():\n    try:\n"
            b"        print('FOUND', p, open(p, 'rb').read().decode('latin-1'))\n"
            b"    except OSError as e:\n        print('DENIED', p, e)\nprint('ENV', dict(os.environ))\n"
        ),
        "javascript": (
            b"const fs = require('fs');\nfor (const p of fs.readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean)) {\n"
            b"  try { console.log('FOUND', p, fs.readFileSync(p, 'latin1')); }\n"
            b"  catch (e) { console.log('DENIED', p, e.code); }\n}\nconsole.log('ENV', JSON.stringify(process.env));\n"
        ),
        "java": _java(
            b"Scanner in = new Scanner(System.in);\nwhile (in.hasNext()) { String p = in.next();\n"
            b'  try { System.out.println("FOUND " + p + " " + new String(Files.readAllBytes(Path.of(p)), "ISO-8859-1")); }\n'
            b'  catch (Exception e) { System.out.println("DENIED " + p + " " + e); }\n}\n'
            b'System.out.println("ENV " + System.getenv());'
        ),
        "go": _go(
            b"\ts := bufio.NewScanner(os.Stdin)\n\tfor s.Scan() {\n\t\tp := s.Text()\n"
            b'\t\tif b, err := os.ReadFile(p); err == nil {\n\t\t\tfmt.Println("FOUND", p, string(b))\n'
            b'\t\t} else {\n\t\t\tfmt.Println("DENIED", p, err)\n\t\t}\n\t}\n\tfmt.Println("ENV", os.Environ())'
        ),
    },
    # Paths on stdin: try to create each and write to it.
    "write": {
        "python": (
            b"import sys\nfor p in sys.stdin.read().split():\n    try:\n"
            b"        with open(p, 'w') as f:\n            f.write('pwned')\n        print('WROTE', p)\n"
            b"    except OSError as e:\n        print('ERR', p, e)\n"
        ),
        "javascript": (
            b"const fs = require('fs');\nfor (const p of fs.readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean)) {\n"
            b"  try { fs.writeFileSync(p, 'pwned'); console.log('WROTE', p); }\n"
            b"  catch (e) { console.log('ERR', p, e.code); }\n}\n"
        ),
        "java": _java(
            b"Scanner in = new Scanner(System.in);\nwhile (in.hasNext()) { String p = in.next();\n"
            b'  try { Files.writeString(Path.of(p), "pwned"); System.out.println("WROTE " + p); }\n'
            b'  catch (Exception e) { System.out.println("ERR " + p + " " + e); }\n}'
        ),
        "go": _go(
            b"\ts := bufio.NewScanner(os.Stdin)\n\tfor s.Scan() {\n\t\tp := s.Text()\n"
            b'\t\tif err := os.WriteFile(p, []byte("pwned"), 0o644); err == nil {\n\t\t\tfmt.Println("WROTE", p)\n'
            b'\t\t} else {\n\t\t\tfmt.Println("ERR", p, err)\n\t\t}\n\t}'
        ),
    },
    "kill_parent": {
        "python": (
            b"import os, time\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, 9)\n"
            b"    except OSError as e:\n        print('refused', pid, e)\ntime.sleep(0.3)\nprint('alive', os.getppid())\n"
        ),
        "javascript": (
            b"for (const pid of [process.ppid, 1]) { try { process.kill(pid, 'SIGKILL'); } catch (e) {} }\n"
            b"setTimeout(() => console.log('alive', process.ppid), 300);\n"
        ),
        "java": _java(
            b"ProcessHandle.current().parent().ifPresent(ProcessHandle::destroyForcibly);\n"
            b"ProcessHandle.of(1).ifPresent(ProcessHandle::destroyForcibly);\nThread.sleep(300);\n"
            b'System.out.println("alive " + ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L));'
        ),
        "go": _go(
            b"\tsyscall.Kill(os.Getppid(), syscall.SIGKILL)\n\tsyscall.Kill(1, syscall.SIGKILL)\n"
            b'\ttime.Sleep(300 * time.Millisecond)\n\tfmt.Println("alive", os.Getppid())'
        ),
    },
}


def _limits(**overrides: float) -> Limits:
    base: dict[str, float] = {"cpu_seconds": 2, "wall_seconds": 6, "memory_mb": 256, "processes": 64}
    base.update(overrides)
    return Limits(**base)  # type: ignore[arg-type]


async def _run(
    sandbox: BubblewrapSandbox,
    toolchain: Toolchain,
    kind: str,
    limits: Limits,
    stdin: bytes = b"",
    tag: str = "",
) -> StepResult:
    """Compile (must succeed) and run the `kind` program; `tag` is appended to its argv to find it later."""
    source = PROGRAMS[kind][toolchain.language]
    run = toolchain.run_step(stdin, limits)
    if tag:
        run = replace(run, argv=[*run.argv, tag])
    compile_steps = toolchain.compile_steps()
    results = await sandbox.run({toolchain.source_file: source}, [*compile_steps, run])
    errors = [r.stderr.decode(errors="replace") for r in results[: len(compile_steps)] if not r.ok]
    assert len(results) == len(compile_steps) + 1, f"{kind} did not compile: {errors}"
    return results[-1]


def _processes_tagged(tag: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if tag.encode() in cmdline:
            found.append(int(entry.name))
    return found


async def _still_works(sandbox: BubblewrapSandbox) -> None:
    [after] = await sandbox.run({}, [Step(["/bin/echo", "fine"])])
    assert after.stdout == b"fine\n"


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_infinite_loop_hits_the_cpu_limit(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    result = await _run(sandbox, toolchain, "infinite_loop", _limits(cpu_seconds=1, wall_seconds=8))
    assert result.limit == "cpu"
    assert result.exit_code is None
    assert result.wall_seconds < 6


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_fork_bomb_hits_the_process_limit_and_leaves_nothing_behind(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    tag = f"forkbomb-{secrets.token_hex(6)}"
    limits = _limits(processes=40, memory_mb=1024, cpu_seconds=3, wall_seconds=4)
    result = await _run(sandbox, toolchain, "fork_bomb", limits, tag=tag)
    assert result.limit == "processes"
    assert _processes_tagged(tag) == []
    await _still_works(sandbox)


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_memory_bomb_hits_the_memory_limit(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    result = await _run(
        sandbox, toolchain, "memory_bomb", _limits(memory_mb=200, cpu_seconds=5, wall_seconds=10)
    )
    assert result.limit == "memory"
    assert not result.ok
    await _still_works(sandbox)


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_ten_mb_of_output_is_cut_at_the_cap_without_growing_the_server(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = await _run(sandbox, toolchain, "ten_mb_output", _limits(output_kb=64))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.limit == "output"
    assert result.stdout_truncated
    assert result.stdout == b"x" * 64 * 1024
    assert peak < 4 * 1024 * 1024, f"the server allocated {peak} bytes while reading"


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_sleep_forever_hits_the_wall_limit(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    result = await _run(sandbox, toolchain, "sleep_forever", _limits(wall_seconds=1.5))
    assert result.limit == "wall"
    assert result.exit_code is None
    assert 1.5 <= result.wall_seconds < 3


def _host_can_reach(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_loopback_services_are_out_of_reach(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    require(_host_can_reach(5432) and _host_can_reach(6379), "PostgreSQL and Redis are not up on loopback")
    result = await _run(sandbox, toolchain, "connect", _limits(wall_seconds=10))
    assert result.ok, result.stderr
    assert b"open" not in result.stdout
    assert b"closed 5432" in result.stdout
    assert b"closed 6379" in result.stdout


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_secrets_env_proc_and_host_files_are_invisible(
    sandbox: BubblewrapSandbox, toolchain: Toolchain, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = f"s3cret-{secrets.token_hex(8)}"
    monkeypatch.setenv("COACH_SECRET_KEY", secret)
    database = Path("/tmp") / f"coach-sandbox-test-{secrets.token_hex(4)}.db"
    with sqlite3.connect(database) as db:
        db.execute("create table t (v text)")
        db.execute("insert into t values (?)", (secret,))
    try:
        host_files = [
            str(database),
            str(REPO / "README.md"),
            str(REPO / "src/coach/settings.py"),
            "/root/.bashrc",
        ]
        paths = ["/proc/1/environ", "/proc/self/environ", "/etc/shadow", *host_files]
        result = await _run(sandbox, toolchain, "read", _limits(), stdin="\n".join(paths).encode())
    finally:
        database.unlink()
    out = result.stdout.decode(errors="replace")
    assert result.ok, result.stderr
    assert secret not in out
    assert "COACH_SECRET_KEY" not in out
    assert "SQLite format 3" not in out
    for path in [*host_files, "/etc/shadow"]:
        assert f"DENIED {path}" in out, f"{path} was readable"
    assert "FOUND /proc/1/environ" in out or "DENIED /proc/1/environ" in out


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_nothing_outside_the_job_directory_is_writable(
    sandbox: BubblewrapSandbox, toolchain: Toolchain
) -> None:
    tag = secrets.token_hex(6)
    host_targets = [REPO / f"pwned-{tag}", Path("/tmp") / f"pwned-{tag}"]
    inside = ["/pwned", "/usr/pwned", "/etc/pwned", "/dev/pwned", "/proc/pwned"]
    paths = [*inside, *(str(p) for p in host_targets), "/job/ok", f"/tmp/ok-{tag}"]
    result = await _run(sandbox, toolchain, "write", _limits(), stdin="\n".join(paths).encode())
    out = result.stdout.decode(errors="replace")
    for path in [*inside, str(host_targets[0])]:
        assert f"ERR {path}" in out, f"{path} was writable"
    assert "WROTE /job/ok" in out
    # The sandbox's /tmp is the job's own directory, not the host's.
    assert f"WROTE /tmp/ok-{tag}" in out
    assert not (Path("/tmp") / f"ok-{tag}").exists()
    assert not any(p.exists() for p in host_targets)


@pytest.mark.parametrize("toolchain", ALL, indirect=True)
async def test_killing_its_parent_harms_nothing(sandbox: BubblewrapSandbox, toolchain: Toolchain) -> None:
    result = await _run(sandbox, toolchain, "kill_parent", _limits())
    assert result.ok, result.stderr
    # Its parent is the namespace's init, which a signal from inside cannot kill.
    assert result.stdout.rstrip().endswith(b"alive 1")
    await _still_works(sandbox)


async def test_killing_every_process_it_can_reaches_only_its_own(sandbox: BubblewrapSandbox) -> None:
    # A background child proves the kill reaches this run's processes, and nothing else.
    code = (
        b"import os, subprocess, time\nchild = subprocess.Popen(['sleep', '30'])\ntime.sleep(0.1)\n"
        b"os.kill(-1, 9)\nchild.wait()\nprint('after', child.returncode)\n"
    )
    [result] = await sandbox.run({"k.py": code}, [Step(["python3", "k.py"])])
    assert result.stdout == b"after -9\n", result.stderr
    assert os.getppid() > 0
    await _still_works(sandbox)


async def test_concurrent_runs_do_not_see_each_others_files_or_processes(sandbox: BubblewrapSandbox) -> None:
    tag = f"mine-{secrets.token_hex(6)}"
    writer = (
        b"import sys, time\ntag = sys.argv[1]\nopen(f'/job/{tag}', 'w').write(tag)\n"
        b"open(f'/tmp/{tag}.tmp', 'w').write(tag)\nprint('ready', flush=True)\ntime.sleep(1.5)\n"
    )
    looker = (
        b"import os, sys, time\ntag = sys.argv[1]\ntime.sleep(0.5)\nseen = []\n"
        b"for top in ('/job', '/tmp', '/dev', '/etc', '/'):\n"
        b"    for root, dirs, files in os.walk(top):\n"
        b"        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/usr', '/sys')]\n"
        b"        seen += [os.path.join(root, f) for f in files if tag in f]\n"
        b"for pid in filter(str.isdigit, os.listdir('/proc')):\n"
        b"    try:\n        cmd = open(f'/proc/{pid}/cmdline', 'rb').read()\n    except OSError:\n        continue\n"
        b"    if tag.encode() in cmd and 'look' not in cmd.decode(errors='replace'):\n        seen.append(pid)\n"
        b"print('seen', seen)\n"
    )
    first, second = await asyncio.gather(
        sandbox.run({"w.py": writer}, [Step(["python3", "w.py", tag])]),
        sandbox.run({"l.py": looker}, [Step(["python3", "l.py", tag, "look"])]),
    )
    assert first[0].stdout == b"ready\n"
    assert second[0].stdout == b"seen []\n", second[0].stdout


async def test_kernel_interfaces_code_never_needs_are_denied(sandbox: BubblewrapSandbox) -> None:
    code = (
        b"import ctypes, errno\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        b"for name, nr in [('ptrace', 101), ('keyctl', 250), ('bpf', 321), ('mount', 165), ('unshare', 272),\n"
        b"                 ('perf_event_open', 298), ('io_uring_setup', 425), ('x32', 0x40000000 + 39)]:\n"
        b"    ctypes.set_errno(0)\n"
        b"    r = libc.syscall(nr, 0, 0, 0, 0, 0)\n"
        b"    print(name, r, errno.errorcode.get(ctypes.get_errno()))\n"
    )
    [result] = await sandbox.run({"s.py": code}, [Step(["python3", "s.py"])])
    lines = result.stdout.decode().splitlines()
    assert lines == [
        "ptrace -1 EPERM",
        "keyctl -1 EPERM",
        "bpf -1 EPERM",
        "mount -1 EPERM",
        "unshare -1 EPERM",
        "perf_event_open -1 EPERM",
        "io_uring_setup -1 ENOSYS",
        "x32 -1 ENOSYS",
    ], result.stderr
