"""Per-run control groups: a memory limit, a process limit and CPU accounting that cover the whole tree.

Rlimits are per process (a fork bomb or a multi-threaded runtime escapes them, and `RLIMIT_NPROC`
counts every process of the uid on the machine), so when the kernel lets us, each run gets its own
group. Version 1 (one hierarchy per controller, as on this machine) is found from `/proc/self/cgroup`
and nested under the server's own group, so the server's limits still cover its runs. Version 2 needs
a delegated directory (systemd `Delegate=yes`), passed in explicitly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

_V1_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True, slots=True)
class CgroupStats:
    """What the kernel counted for one run's group."""

    cpu_seconds: float | None
    memory_peak_bytes: int | None
    oom_killed: bool
    pids_limit_hit: bool


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _keyed(text: str, key: str) -> int:
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            with contextlib.suppress(ValueError):
                return int(value)
    return 0


class RunGroup:
    """The group(s) of one run: processes enter it by writing their pid (the launcher's `echo 0`)."""

    def __init__(self, dirs: dict[str, Path], version: int) -> None:
        self._dirs = dirs
        self._version = version

    @property
    def procs_files(self) -> list[Path]:
        """The `cgroup.procs` files a process writes itself into (one per v1 hierarchy, one for v2)."""
        return [d / "cgroup.procs" for d in dict.fromkeys(self._dirs.values())]

    def cpu_seconds(self) -> float | None:
        """CPU used so far by every process that was ever in the group."""
        if self._version == 2:
            usec = _keyed(_read(self._dirs["cpu"] / "cpu.stat"), "usage_usec")
            return usec / 1e6
        if "cpu" not in self._dirs:
            return None
        text = _read(self._dirs["cpu"] / "cpuacct.usage").strip()
        return int(text) / 1e9 if text.isdigit() else None

    def stats(self) -> CgroupStats:
        """Counters read after the run, before the group is removed."""
        peak: int | None = None
        oom = False
        pids_hit = False
        memory = self._dirs.get("memory")
        if memory is not None:
            if self._version == 2:
                text = _read(memory / "memory.peak").strip()
                peak = int(text) if text.isdigit() else None
                oom = _keyed(_read(memory / "memory.events"), "oom_kill") > 0
            else:
                text = _read(memory / "memory.max_usage_in_bytes").strip()
                peak = int(text) if text.isdigit() else None
                control = _read(memory / "memory.oom_control")
                oom = _keyed(control, "oom_kill") > 0 or (
                    "oom_kill" not in control and _read(memory / "memory.failcnt").strip() not in ("", "0")
                )
        pids = self._dirs.get("pids")
        if pids is not None:
            pids_hit = _keyed(_read(pids / "pids.events"), "max") > 0
        return CgroupStats(self.cpu_seconds(), peak, oom, pids_hit)

    def pids(self) -> list[int]:
        """Processes still in the group."""
        found: set[int] = set()
        for procs in self.procs_files:
            for line in _read(procs).split():
                if line.isdigit():
                    found.add(int(line))
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL everything in the group (v2 in one write; v1 by listing, repeated until empty)."""
        if self._version == 2:
            with contextlib.suppress(OSError):
                _write(self._dirs["memory"] / "cgroup.kill", "1")
                return
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.002)

    def try_remove(self) -> bool:
        """Delete the group directories if already empty (no waiting); False when something is left."""
        if self.pids():
            return False
        for directory in dict.fromkeys(self._dirs.values()):
            try:
                directory.rmdir()
            except FileNotFoundError:
                continue
            except OSError:
                return False
        return True

    def remove(self) -> None:
        """Kill what is left and delete the group directories."""
        self.kill()
        for directory in dict.fromkeys(self._dirs.values()):
            for _ in range(100):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    # Killed processes leave the group a moment after SIGKILL.
                    time.sleep(0.005)


class Cgroups:
    """Where per-run groups are made, and which limits they can enforce."""

    def __init__(self, parents: dict[str, Path], version: int) -> None:
        self._parents = parents
        self.version = version

    @property
    def memory(self) -> bool:
        return "memory" in self._parents

    @property
    def pids(self) -> bool:
        return "pids" in self._parents

    @property
    def cpu(self) -> bool:
        return "cpu" in self._parents

    def describe(self) -> str:
        """One line for logs and docs: which controllers are in use."""
        names = ", ".join(sorted(self._parents)) or "none"
        return f"cgroup v{self.version} ({names})"

    def create(self, name: str, *, memory_bytes: int, pids_max: int) -> RunGroup:
        """A fresh group for one run, with its limits written before any process enters it.

        The parent is shared by every server process in the same group; one that shuts down removes it
        when it looks unused, so a missing parent is made again rather than losing the limits.
        """
        try:
            return self._create(name, memory_bytes=memory_bytes, pids_max=pids_max)
        except FileNotFoundError:
            self._ensure_parents()
            return self._create(name, memory_bytes=memory_bytes, pids_max=pids_max)

    def _ensure_parents(self) -> None:
        for parent in dict.fromkeys(self._parents.values()):
            parent.mkdir(exist_ok=True)
            if self.version == 2:
                wanted = [c for c in ("memory", "pids") if getattr(self, c)]
                if wanted:
                    _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in wanted))

    def _create(self, name: str, *, memory_bytes: int, pids_max: int) -> RunGroup:
        dirs: dict[str, Path] = {}
        try:
            for controller, parent in self._parents.items():
                directory = parent / name
                if directory in dirs.values():
                    dirs[controller] = directory
                    continue
                directory.mkdir()
                dirs[controller] = directory
            if self.version == 2:
                group = dirs[next(iter(dirs))]
                if self.memory:
                    _write(group / "memory.max", str(memory_bytes))
                    with contextlib.suppress(OSError):
                        _write(group / "memory.swap.max", "0")
                if self.pids:
                    _write(group / "pids.max", str(pids_max))
            else:
                if "memory" in dirs:
                    _write(dirs["memory"] / "memory.limit_in_bytes", str(memory_bytes))
                    memsw = dirs["memory"] / "memory.memsw.limit_in_bytes"
                    if memsw.exists():
                        # Memory + swap at the same figure: the run cannot page itself out to swap.
                        _write(memsw, str(memory_bytes))
                if "pids" in dirs:
                    _write(dirs["pids"] / "pids.max", str(pids_max))
        except OSError:
            RunGroup(dirs, self.version).remove()
            raise
        return RunGroup(dirs, self.version)

    def close(self) -> None:
        """Remove the parent directories this process made (runs must be over)."""
        for parent in dict.fromkeys(self._parents.values()):
            with contextlib.suppress(OSError):
                parent.rmdir()

    @classmethod
    def v2(cls, delegated: Path, name: str = "") -> Cgroups | None:
        """Use a delegated v2 directory (writable, with memory and pids in `cgroup.controllers`)."""
        controllers = _read(delegated / "cgroup.controllers").split()
        parent = delegated / name if name else delegated
        try:
            parent.mkdir(exist_ok=True)
            wanted = [c for c in ("memory", "pids", "cpu") if c in controllers]
            if wanted:
                _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in wanted))
        except OSError:
            return None
        enabled = _read(parent / "cgroup.subtree_control").split()
        parents: dict[str, Path] = {c: parent for c in ("memory", "pids") if c in enabled}
        # cpu.stat's usage_usec exists in every v2 group, with or without the cpu controller.
        parents["cpu"] = parent
        return cls(parents, 2)

    @classmethod
    def v1(cls, name: str) -> Cgroups | None:
        """Nest `name` under this process's own v1 groups for memory, pids and cpuacct, where writable."""
        own: dict[str, str] = {}
        for line in _read(Path("/proc/self/cgroup")).splitlines():
            parts = line.split(":", 2)
            if len(parts) == 3:
                for controller in parts[1].split(","):
                    own[controller] = parts[2]
        parents: dict[str, Path] = {}
        for controller, key in (("memory", "memory"), ("pids", "pids"), ("cpu", "cpuacct")):
            if key not in own:
                continue
            mount = _V1_ROOT / key
            if not (mount / "cgroup.procs").exists():
                # A combined mount such as cpu,cpuacct.
                candidates = [p for p in _V1_ROOT.glob(f"*{key}*") if (p / "cgroup.procs").exists()]
                if not candidates:
                    continue
                mount = candidates[0]
            parent = mount / own[key].lstrip("/") / name
            try:
                parent.mkdir(exist_ok=True)
            except OSError:
                continue
            if not os.access(parent, os.W_OK):
                continue
            parents[controller] = parent
        if not parents:
            return None
        return cls(parents, 1)

    @classmethod
    def detect(cls, name: str, delegated_v2: Path | None = None) -> Cgroups | None:
        """The best groups this process can make: a delegated v2 directory if given, else v1, else none."""
        if delegated_v2 is not None:
            found = cls.v2(delegated_v2, name)
            if found is not None:
                return found
        return cls.v1(name)
