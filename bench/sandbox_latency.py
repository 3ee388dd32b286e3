"""Sandbox latency per language, beside the same program run as a bare subprocess in the same run.

    .venv/bin/python -m bench.sandbox_latency [--runs 20] [--concurrency 2] [--languages python,go]

Each language runs a 10-case snippet (JSON lines on stdin, one answer a line on stdout: two-sum over a
small array), compiled first where the language needs it, exactly as the judge would: through
`BubblewrapSandbox` with the toolchain's steps, and as plain subprocesses with the same argv in a
fresh temporary directory (no namespaces, no cgroup, no rlimits). It prints p50/p95 of both, the
ratio, and runs per second with `--concurrency` runs at once through `BoundedSandbox`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from coach.sandbox.bubblewrap import JOB_DIR, SHARED_DIR, BubblewrapSandbox
from coach.sandbox.pool import BoundedSandbox
from coach.sandbox.port import Limits, Step
from coach.sandbox.toolchains import Language, Toolchain, discover

CASES: list[dict[str, Any]] = [
    {"nums": [(i * 7 + j * 3) % 50 - 10 for j in range(12)], "target": 17 + i} for i in range(10)
]
STDIN = "".join(json.dumps(c) + "\n" for c in CASES).encode()
LIMITS = Limits(cpu_seconds=5, wall_seconds=10, memory_mb=512, processes=64, output_kb=64)
TARGET_P95 = {"python": 1.0, "javascript": 1.0, "java": 3.0, "go": 3.0}

SNIPPETS: dict[Language, str] = {
    "python": """
import json, sys

def two_sum(nums, target):
    seen = {}
    for i, n in enumerate(nums):
        if target - n in seen:
            return [seen[target - n], i]
        seen[n] = i
    return []

for line in sys.stdin:
    case = json.loads(line)
    print(json.dumps(two_sum(case["nums"], case["target"])))
""",
    "javascript": """
const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);
function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
  return [];
}
for (const line of lines) {
  const c = JSON.parse(line);
  console.log(JSON.stringify(twoSum(c.nums, c.target)));
}
""",
    # No JSON library in the JDK: a tiny reader for the two fields, as a harness would generate.
    "java": """
import java.io.*;
import java.util.*;

public class Main {
  static int[] twoSum(int[] nums, int target) {
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < nums.length; i++) {
      Integer j = seen.get(target - nums[i]);
      if (j != null) return new int[] {j, i};
      seen.put(nums[i], i);
    }
    return new int[0];
  }

  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      String nums = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
      int target = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1, line.lastIndexOf('}')).trim());
      int[] a = Arrays.stream(nums.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
      out.append(Arrays.toString(twoSum(a, target)).replace(" ", "")).append('\\n');
    }
    System.out.print(out);
  }
}
""",
    "go": """
package main

import (
\t"bufio"
\t"encoding/json"
\t"fmt"
\t"os"
)

type testCase struct {
\tNums   []int `json:"nums"`
\tTarget int   `json:"target"`
}

func twoSum(nums []int, target int) []int {
\tseen := map[int]int{}
\tfor i, n := range nums {
\t\tif j, ok := seen[target-n]; ok {
\t\t\treturn []int{j, i}
\t\t}
\t\tseen[n] = i
\t}
\treturn []int{}
}

func main() {
\ts := bufio.NewScanner(os.Stdin)
\tfor s.Scan() {
\t\tvar c testCase
\t\tif err := json.Unmarshal(s.Bytes(), &c); err != nil {
\t\t\tcontinue
\t\t}
\t\tout, _ := json.Marshal(twoSum(c.Nums, c.Target))
\t\tfmt.Println(string(out))
\t}
}
""",
}


def _expected() -> bytes:
    lines = []
    for c in CASES:
        seen: dict[int, int] = {}
        answer: list[int] = []
        for i, n in enumerate(c["nums"]):
            if c["target"] - n in seen:
                answer = [seen[c["target"] - n], i]
                break
            seen[n] = i
        lines.append(json.dumps(answer).replace(" ", ""))
    return ("\n".join(lines) + "\n").encode()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _sandboxed(sandbox: BubblewrapSandbox | BoundedSandbox, tc: Toolchain) -> tuple[float, bytes]:
    started = time.monotonic()
    results = await sandbox.run({tc.source_file: SNIPPETS[tc.language].encode()}, tc.steps(STDIN, LIMITS))
    elapsed = time.monotonic() - started
    last = results[-1]
    if not last.ok:
        raise RuntimeError(f"{tc.language} failed in the sandbox: {last.limit} {last.stderr[-400:]!r}")
    return elapsed, last.stdout


async def _bare(tc: Toolchain, shared: Path) -> tuple[float, bytes]:
    """The same steps as plain subprocesses in a fresh directory; /job in argv and env is that directory."""
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        root = Path(tmp)
        (root / ".tmp").mkdir()
        (root / tc.source_file).write_text(SNIPPETS[tc.language])
        started = time.monotonic()
        out = b""
        for step in tc.steps(STDIN, LIMITS):
            out = await _bare_step(step, root, shared)
        return time.monotonic() - started, out


async def _bare_step(step: Step, root: Path, shared: Path) -> bytes:
    def here(text: str) -> str:
        # The same javac archive for both: only the isolation differs.
        return text.replace(JOB_DIR, str(root)).replace(SHARED_DIR, str(shared))

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8", "TMPDIR": str(root / ".tmp")}
    env.update({k: here(v) for k, v in step.env.items()})
    proc = await asyncio.create_subprocess_exec(
        *(here(a) for a in step.argv),
        cwd=root,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate(step.stdin)
    if proc.returncode != 0:
        raise RuntimeError(f"bare {step.argv[0]} failed: {err[-400:]!r}")
    return out


async def _fixed_cost(sandbox: BubblewrapSandbox, runs: int) -> None:
    """What the sandbox adds to any step: `/bin/true` through it and bare."""
    boxed: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        started = time.monotonic()
        [result] = await sandbox.run({}, [Step(["/bin/true"])])
        boxed.append(time.monotonic() - started)
        assert result.ok
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec("/bin/true")
        await proc.wait()
        bare.append(time.monotonic() - started)
    print(
        f"fixed cost of a step (/bin/true): sandbox p50 {_pct(boxed, 0.5) * 1000:.1f} ms,"
        f" p95 {_pct(boxed, 0.95) * 1000:.1f} ms; bare p50 {_pct(bare, 0.5) * 1000:.1f} ms"
    )


async def _throughput(sandbox: BubblewrapSandbox, tc: Toolchain, concurrency: int, runs: int) -> float:
    pool = BoundedSandbox(sandbox, concurrency=concurrency, queue=runs, max_wait_seconds=600)
    started = time.monotonic()
    await asyncio.gather(*(_sandboxed(pool, tc) for _ in range(runs)))
    return runs / (time.monotonic() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="sequential runs per language and mode")
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="runs at once for runs/s"
    )
    parser.add_argument("--languages", default="python,javascript,java,go")
    args = parser.parse_args()
    sandbox = BubblewrapSandbox()
    if not sandbox.available():
        raise SystemExit(f"sandbox unavailable: {sandbox.why_unavailable}")
    print(sandbox.describe())
    print(f"load average at start: {Path('/proc/loadavg').read_text().split()[0]}")
    await _fixed_cost(sandbox, args.runs)
    toolchains = await discover(sandbox, shared=(sandbox.shared_dir, SHARED_DIR))
    expected = _expected()
    print(
        f"{args.runs} runs each, 10 cases a run; runs/s with {args.concurrency} at once on {os.cpu_count()} cores"
    )
    header = "language     version  sandbox p50/p95 s  bare p50/p95 s  ratio p50/p95  runs/s  target p95"
    print(header)
    print("-" * len(header))
    for language in args.languages.split(","):
        tc = toolchains[cast(Language, language)]
        if not tc.available:
            print(f"{language:<12} unavailable: {tc.reason}")
            continue
        # One of each first: disk cache and the CPU governor warm up outside the figures.
        await _sandboxed(sandbox, tc)
        await _bare(tc, sandbox.shared_dir)
        boxed: list[float] = []
        bare: list[float] = []
        for _ in range(args.runs):
            # Interleaved, so both modes see the same machine load.
            seconds, out = await _sandboxed(sandbox, tc)
            assert out.replace(b" ", b"") == expected, (language, out)
            boxed.append(seconds)
            seconds, out = await _bare(tc, sandbox.shared_dir)
            assert out.replace(b" ", b"") == expected, (language, "bare", out)
            bare.append(seconds)
        rate = await _throughput(sandbox, tc, args.concurrency, max(args.concurrency * 3, args.runs // 2))
        b50, b95, p50, p95 = _pct(boxed, 0.5), _pct(boxed, 0.95), _pct(bare, 0.5), _pct(bare, 0.95)
        ok = "ok" if b95 <= TARGET_P95[language] else "MISSED"
        print(
            f"{language:<12} {tc.version:<8} {b50:6.3f} / {b95:6.3f}    {p50:6.3f} / {p95:6.3f}  "
            f"{b50 / p50:5.2f} / {b95 / p95:4.2f}  {rate:6.1f}  <= {TARGET_P95[language]:.0f} s {ok}"
        )
        print(f"{'':12} mean sandbox {statistics.mean(boxed):.3f} s, bare {statistics.mean(bare):.3f} s")
    sandbox.close()


if __name__ == "__main__":
    asyncio.run(main())
