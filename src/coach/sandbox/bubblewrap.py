"""The local sandbox: each step runs under bubblewrap in fresh namespaces, with rlimits and a per-run cgroup.

The launch chain for one step (every hop an `exec`, so the pid stays the same):

    sh -c 'echo 0 > <cgroup>/cgroup.procs ...'   # enter the run's groups while still privileged
    setpriv --reuid 65534 ...                     # only when the server is root: nobody on the host too
    prlimit --cpu --fsize --nofile --core ...     # per-process limits, inherited by everything below
    bwrap --unshare-all ...                       # user/pid/mount/ipc/uts/net/cgroup namespaces
    <step argv>

bwrap itself is started with an empty environment, so even its own `/proc/<pid>/environ` (pid 1
inside) holds nothing of the server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import resource
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coach.sandbox import seccomp
from coach.sandbox._capture import CappedReader
from coach.sandbox.cgroups import Cgroups, RunGroup
from coach.sandbox.port import LimitHit, Limits, Step, StepResult

log = logging.getLogger(__name__)

JOB_DIR = "/job"
"""Where the job's files are, inside the sandbox (also its HOME and working directory)."""
NOBODY = 65534
SHARED_DIR = "/opt/coach-shared"
"""Where runs see the sandbox's shared read-only directory."""
_PATH = "/usr/bin:/bin"
_SANDBOX_TMP = "/tmp"  # noqa: S108 - inside the sandbox: a link to the job's own .tmp, not the host's /tmp
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_BINDS = ("/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime")
# Signals a killed program's status shows as 128 + n (bwrap's own convention for its child).
_DEATH_SIGNALS = frozenset(
    {
        signal.SIGKILL,
        signal.SIGXCPU,
        signal.SIGXFSZ,
        signal.SIGSEGV,
        signal.SIGABRT,
        signal.SIGBUS,
        signal.SIGFPE,
        signal.SIGILL,
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGPIPE,
        signal.SIGSYS,
    }
)
# What each runtime prints when its own heap cap (-Xmx, --max-old-space-size, GOMEMLIMIT, RLIMIT_AS) bites.
_OOM_MARKERS = (
    b"MemoryError",
    b"java.lang.OutOfMemoryError",
    b"JavaScript heap out of memory",
    b"runtime: out of memory",
    b"fatal error: out of memory",
    b"Cannot allocate memory",
    b"std::bad_alloc",
)
_FSIZE_MARKERS = (b"File too large",)
# What fork/clone failing with EAGAIN looks like, for when no pids cgroup counts it for us.
_NPROC_MARKERS = (
    b"Resource temporarily unavailable",
    b"unable to create native thread",
    b"pthread_create failed",
    b"EAGAIN",
)


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create namespaces here: code is not run."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: int | None
    rusage_cpu: float | None
    rusage_rss_kb: int
    wall: float
    timed_out: bool
    cpu_killed: bool
    output_overflow: bool


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("..", "") for p in path.parts):
        raise ValueError(f"unsafe file name in a job: {name!r}")
    return path


def default_work_root() -> Path:
    """Where job directories go: /dev/shm when it is a writable tmpfs, else the system temp directory.

    On a disk, deleting a job's files costs real time (Go's cache alone is 256 directories; on an ext4
    mounted with `discard` removing one job took 0.9 s); on tmpfs it is free, and the pages a run writes
    are charged to its memory cgroup, so a job cannot fill the disk.
    """
    shm = Path("/dev/shm")  # noqa: S108 - only the root of our own 0711 directory; jobs are mkdtemp 0700
    with contextlib.suppress(OSError):
        if os.access(shm, os.W_OK) and _is_tmpfs(shm):
            return shm / "coach-sandbox"
    return Path(tempfile.gettempdir()) / "coach-sandbox"


def _is_tmpfs_path(path: Path) -> bool:
    """Whether `path` (existing or not) lies on a tmpfs, by the longest mount point above it."""
    best, kind = "", ""
    with contextlib.suppress(OSError), open("/proc/self/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            point = fields[1]
            if (str(path) == point or str(path).startswith(point.rstrip("/") + "/")) and len(point) > len(
                best
            ):
                best, kind = point, fields[2]
    return kind == "tmpfs"


def _is_tmpfs(path: Path) -> bool:
    with contextlib.suppress(OSError), open("/proc/self/mounts") as mounts:
        return any(line.split()[1:3] == [str(path), "tmpfs"] for line in mounts)
    return False


class BubblewrapSandbox:
    """Runs steps under `bwrap` with no network, a read-only system, and one private writable directory."""

    def __init__(
        self,
        *,
        bwrap: str = "bwrap",
        work_root: Path | None = None,
        use_cgroups: bool = True,
        cgroup_v2_dir: Path | None = None,
        extra_ro_binds: Sequence[str] = (),
        job_quota_mb: int = 64,
        nproc_fallback: int = 256,
        hide_usr_local: bool = True,
        seccomp_filter: bool = True,
    ) -> None:
        self._bwrap = shutil.which(bwrap) or bwrap
        self._work_root = work_root or default_work_root()
        self._use_cgroups = use_cgroups
        self._cgroup_v2_dir = cgroup_v2_dir
        self._extra_ro_binds = tuple(extra_ro_binds)
        self._job_quota = job_quota_mb * 1024 * 1024
        self._nproc_fallback = nproc_fallback
        self._hide_usr_local = hide_usr_local
        self._on_tmpfs = _is_tmpfs_path(self._work_root)
        self._seccomp = seccomp.program() if seccomp_filter and seccomp.supported() else b""
        self._root = os.geteuid() == 0
        self._cgroups: Cgroups | None = None
        self._prepared = False
        self._available: bool | None = None
        self._why_unavailable = ""

    # -- setup -------------------------------------------------------------------------------

    def _prepare(self) -> None:
        if self._prepared:
            return
        self._work_root.mkdir(mode=0o711, parents=True, exist_ok=True)
        # Traversable, not listable: uid nobody reaches its own job directory but cannot list others'.
        os.chmod(self._work_root, 0o711)  # noqa: S103
        etc = self._work_root / "etc"
        etc.mkdir(mode=0o755, exist_ok=True)
        self.shared_dir.mkdir(mode=0o755, exist_ok=True)
        contents = {
            "passwd": f"nobody:x:{NOBODY}:{NOBODY}:nobody:{JOB_DIR}:/usr/sbin/nologin\n",
            "group": f"nogroup:x:{NOBODY}:\n",
            "hosts": "127.0.0.1 localhost sandbox\n",
        }
        for name, text in contents.items():
            # Several servers may share the work root: write beside, then rename into place.
            scratch = etc / f".{name}.{os.getpid()}"
            scratch.write_text(text)
            scratch.chmod(0o644)
            scratch.replace(etc / name)
        if self._use_cgroups:
            self._cgroups = Cgroups.detect("coach-sandbox", self._cgroup_v2_dir)
        self._prepared = True

    @property
    def shared_dir(self) -> Path:
        """Host directory every run sees read-only at `SHARED_DIR` (warm caches such as javac's CDS archive).

        Only the server writes here, before runs use it; files must be world-readable.
        """
        return self._work_root / "shared"

    @property
    def cgroups(self) -> Cgroups | None:
        """The per-run groups in use (None: rlimits only)."""
        self._prepare()
        return self._cgroups

    def describe(self) -> str:
        """How runs are limited here, for the startup log."""
        groups = self.cgroups
        how = groups.describe() if groups else "rlimits only (no writable cgroup)"
        syscalls = "seccomp filter" if self._seccomp else "no seccomp filter"
        return f"bubblewrap sandbox at {self._bwrap}; {how}; {syscalls}; uid {NOBODY}"

    @property
    def why_unavailable(self) -> str:
        """Why `available()` said no (empty when it said yes or was not asked)."""
        return self._why_unavailable

    def available(self) -> bool:
        """True only when bwrap exists and a trivial run works; cached after the first call."""
        if self._available is None:
            self._available = self._probe()
        return self._available

    def _probe(self) -> bool:
        if not Path(self._bwrap).is_file():
            self._why_unavailable = f"bwrap not found ({self._bwrap}); install the Debian package bubblewrap"
            return False
        try:
            self._prepare()
            job = self._new_job_dir()
        except OSError as exc:
            self._why_unavailable = f"cannot prepare the sandbox's directories: {exc}"
            return False
        group = self._new_group(Limits())
        try:
            filter_fd = self._seccomp_fd()
            argv = self._argv(Step(argv=["/bin/sh", "-c", "exit 0"]), job, group, filter_fd)
            done = subprocess.run(  # noqa: S603 - argv is ours
                argv,
                env={},
                capture_output=True,
                timeout=20,
                check=False,
                stdin=subprocess.DEVNULL,
                pass_fds=() if filter_fd is None else (filter_fd,),
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            self._why_unavailable = f"bwrap did not start: {exc}"
            return False
        finally:
            if filter_fd is not None:
                os.close(filter_fd)
            if group is not None:
                group.remove()
            shutil.rmtree(job, ignore_errors=True)
        if done.returncode != 0:
            self._why_unavailable = f"bwrap failed: {done.stderr.decode(errors='replace').strip()[:300]}"
            return False
        return True

    def close(self) -> None:
        """Remove the cgroup parents if no other server uses them (call at shutdown, runs finished)."""
        if self._cgroups is not None:
            self._cgroups.close()

    # -- one job -----------------------------------------------------------------------------

    def _new_job_dir(self) -> Path:
        job = Path(tempfile.mkdtemp(prefix="job-", dir=self._work_root))
        (job / ".tmp").mkdir(mode=0o700)
        if self._root:
            os.chown(job, NOBODY, NOBODY)
            os.chown(job / ".tmp", NOBODY, NOBODY)
        os.chmod(job, 0o700)
        return job

    def _write_files(self, job: Path, files: Mapping[str, bytes]) -> None:
        for name, content in files.items():
            target = job.joinpath(*_safe_relative(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if self._root:
                for p in [target, *target.relative_to(job).parents]:
                    os.chown(job / p, NOBODY, NOBODY)

    def _new_group(self, limits: Limits) -> RunGroup | None:
        if self._cgroups is None:
            return None
        name = f"run-{secrets.token_hex(6)}"
        try:
            return self._cgroups.create(
                name, memory_bytes=limits.memory_mb * 1024 * 1024, pids_max=limits.processes
            )
        except OSError as exc:
            log.warning("sandbox: could not create cgroup %s: %s; using rlimits only", name, exc)
            return None

    def _seccomp_fd(self) -> int | None:
        """A fresh fd holding the filter (bwrap reads it to the end, so one per launch)."""
        if not self._seccomp:
            return None
        fd = os.memfd_create("coach-seccomp", 0)
        _write_all(fd, self._seccomp)
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def _argv(self, step: Step, job: Path, group: RunGroup | None, seccomp_fd: int | None) -> list[str]:
        limits = step.limits
        argv: list[str] = []
        if group is not None:
            script = " && ".join(f"echo 0 > {shlex.quote(str(p))}" for p in group.procs_files)
            # dash exports PWD; unset it so bwrap's pid 1 (whose environ the code can read) holds nothing.
            argv += ["/bin/sh", "-c", f'{script} && unset PWD OLDPWD && exec "$@"', "sh"]
        if self._root:
            argv += ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
        cpu = max(1, math.ceil(limits.cpu_seconds))
        fsize = limits.file_size_kb * 1024
        argv += [
            "prlimit",
            f"--cpu={cpu}:{cpu + 1}",
            f"--fsize={fsize}:{fsize}",
            f"--nofile={limits.open_files}:{limits.open_files}",
            "--core=0:0",
        ]
        if group is None or not (self._cgroups and self._cgroups.pids):
            # Per uid, machine-wide: a backstop only (see docs/sandbox.md).
            argv.append(f"--nproc={self._nproc_fallback}:{self._nproc_fallback}")
        if group is None or not (self._cgroups and self._cgroups.memory):
            memory = (limits.address_space_mb or limits.memory_mb) * 1024 * 1024
            argv.append(f"--as={memory}:{memory}")
        argv.append("--")
        argv += [
            self._bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--uid",
            str(NOBODY),
            "--gid",
            str(NOBODY),
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr",
            "/usr",
        ]
        if self._hide_usr_local:
            # Locally installed tools (and whatever else lands in /usr/local) are none of the code's business.
            argv += ["--tmpfs", "/usr/local", "--remount-ro", "/usr/local"]
        for directory in _SYSTEM_DIRS:
            path = Path(directory)
            if path.is_symlink():
                argv += ["--symlink", os.readlink(path), directory]
            elif path.is_dir():
                argv += ["--ro-bind", directory, directory]
        etc_binds = [*_ETC_BINDS, *(str(p) for p in sorted(Path("/etc").glob("java-*")))]
        for source in (*etc_binds, *self._extra_ro_binds):
            if os.path.exists(source):
                argv += ["--ro-bind", source, source]
        etc = self._work_root / "etc"
        for name in ("passwd", "group", "hosts"):
            argv += ["--ro-bind", str(etc / name), f"/etc/{name}"]
        argv += ["--ro-bind", str(self.shared_dir), SHARED_DIR]
        if seccomp_fd is not None:
            argv += ["--seccomp", str(seccomp_fd)]
        argv += ["--proc", "/proc", "--dev", "/dev"]
        argv += ["--bind", str(job), JOB_DIR, "--chdir", JOB_DIR]
        # /tmp is the job's own .tmp, so the job directory is the one writable place (and under its quota).
        argv += ["--symlink", f"{JOB_DIR}/.tmp", _SANDBOX_TMP]
        # Last: bwrap's root and /dev are tmpfs it made writable; nothing but the job directory stays so.
        argv += ["--remount-ro", "/dev", "--remount-ro", "/"]
        env = {"PATH": _PATH, "HOME": JOB_DIR, "LANG": "C.UTF-8", "TMPDIR": _SANDBOX_TMP, **step.env}
        argv.append("--clearenv")
        for key, value in env.items():
            if not key or "=" in key or "\0" in key or "\0" in value:
                raise ValueError(f"bad environment variable for a step: {key!r}")
            argv += ["--setenv", key, value]
        argv.append("--")
        argv += list(step.argv)
        return argv

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        """Run `steps` in order over `files` in a fresh directory; stop after the first that fails."""
        if not self.available():
            raise SandboxUnavailable(self._why_unavailable)
        # Job directories, cgroups and their counters are tmpfs/cgroupfs operations of well under a
        # millisecond: done inline, since a thread hop each costs more than that on a loaded machine.
        job = self._setup_job(files)
        results: list[StepResult] = []
        try:
            for step in steps:
                result = await self._run_step(step, job)
                if result.limit is None and self._over_quota(job):
                    result = _with_limit(result, "file_size")
                results.append(result)
                if not result.ok:
                    break
        finally:
            if self._on_tmpfs:
                shutil.rmtree(job, ignore_errors=True)
            else:
                await asyncio.to_thread(shutil.rmtree, job, True)
        return results

    def _setup_job(self, files: Mapping[str, bytes]) -> Path:
        job = self._new_job_dir()
        try:
            self._write_files(job, files)
        except BaseException:
            shutil.rmtree(job, ignore_errors=True)
            raise
        return job

    def _over_quota(self, job: Path) -> bool:
        total = 0
        for dirpath, _dirs, names in os.walk(job):
            for name in names:
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            if total > self._job_quota:
                return True
        return False

    async def _run_step(self, step: Step, job: Path) -> StepResult:
        limits = step.limits
        group = self._new_group(limits)
        try:
            filter_fd = self._seccomp_fd()
            try:
                argv = self._argv(step, job, group, filter_fd)
                outcome, out, err = await self._spawn(argv, step.stdin, limits, group, filter_fd)
            finally:
                if filter_fd is not None:
                    os.close(filter_fd)
            stats = group.stats() if group is not None else None
        finally:
            if group is not None and not group.try_remove():
                await asyncio.to_thread(group.remove)
        status = outcome.status
        exit_code: int | None = None
        sig: int | None = None
        if status is None:
            pass
        elif status < 0:
            sig = -status
        elif status > 128 and (status - 128) in _DEATH_SIGNALS:
            sig = status - 128
        else:
            exit_code = status
        cpu = outcome.rusage_cpu
        if stats is not None and stats.cpu_seconds is not None and (cpu is None or stats.cpu_seconds > cpu):
            cpu = stats.cpu_seconds
        # wait4's figure starts at the server's own RSS (kept across fork and exec) and misses the tree
        # below bwrap; the memory group's peak is what the limit is enforced against, so prefer it.
        rss_kb = outcome.rusage_rss_kb
        if stats is not None and stats.memory_peak_bytes:
            rss_kb = stats.memory_peak_bytes // 1024
        # The kernel's counters name the cause best (a fork bomb that then idles is still a fork bomb),
        # then what we stopped ourselves, then the signals and messages the runtimes leave behind.
        limit: LimitHit | None = None
        if stats is not None and stats.oom_killed:
            limit = "memory"
        elif (stats is not None and stats.pids_limit_hit) or (
            not (self._cgroups and self._cgroups.pids)
            and (exit_code != 0 or outcome.timed_out)
            and any(m in err.data for m in _NPROC_MARKERS)
        ):
            limit = "processes"
        elif outcome.output_overflow:
            limit = "output"
        elif outcome.timed_out:
            limit = "wall"
        elif (
            outcome.cpu_killed
            or sig == signal.SIGXCPU
            or (sig is not None and (cpu or 0) >= limits.cpu_seconds)
        ):
            limit = "cpu"
        elif sig == signal.SIGXFSZ or (exit_code != 0 and any(m in err.data for m in _FSIZE_MARKERS)):
            limit = "file_size"
        elif exit_code != 0 and any(m in err.data for m in _OOM_MARKERS):
            limit = "memory"
        return StepResult(
            exit_code=exit_code,
            stdout=out.data,
            stderr=err.data,
            stdout_truncated=out.truncated,
            stderr_truncated=err.truncated,
            wall_seconds=outcome.wall,
            cpu_seconds=round(cpu or 0.0, 4),
            max_rss_kb=rss_kb,
            limit=limit,
            signal=sig,
        )

    async def _spawn(
        self, argv: list[str], stdin: bytes, limits: Limits, group: RunGroup | None, filter_fd: int | None
    ) -> tuple[_Outcome, CappedReader, CappedReader]:
        loop = asyncio.get_running_loop()
        stdin_fd = os.memfd_create("coach-stdin", os.MFD_CLOEXEC)
        try:
            if stdin:
                _write_all(stdin_fd, stdin)
                os.lseek(stdin_fd, 0, os.SEEK_SET)
            started = time.monotonic()
            # Popen rather than asyncio's subprocess: we wait on a pidfd and reap the child ourselves with
            # wait4, so its rusage is ours (the CPU figure when there is no cgroup), not the watcher's.
            proc = subprocess.Popen(  # noqa: S603, ASYNC220 - argv is ours; spawning does not block
                argv,
                stdin=stdin_fd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={},
                close_fds=True,
                pass_fds=() if filter_fd is None else (filter_fd,),
                start_new_session=True,
            )
        finally:
            os.close(stdin_fd)
        state = {"overflow": False}

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            if group is not None:
                group.kill()

        def overflow() -> None:
            state["overflow"] = True
            kill()

        cap = limits.output_kb * 1024
        assert proc.stdout is not None
        assert proc.stderr is not None
        out = CappedReader(cap, overflow)
        err = CappedReader(cap, overflow)
        out_transport, _ = await loop.connect_read_pipe(lambda: out, proc.stdout)
        err_transport, _ = await loop.connect_read_pipe(lambda: err, proc.stderr)
        exited: asyncio.Future[None] = loop.create_future()
        pidfd = os.pidfd_open(proc.pid)

        def on_exit() -> None:
            if not exited.done():
                exited.set_result(None)

        loop.add_reader(pidfd, on_exit)
        timed_out = False
        cpu_killed = False

        async def watch_cpu() -> None:
            nonlocal cpu_killed
            # RLIMIT_CPU is per process; the group's counter covers every process and thread of the run.
            assert group is not None
            while True:
                await asyncio.sleep(0.05)
                used = group.cpu_seconds()
                if used is not None and used > limits.cpu_seconds:
                    cpu_killed = True
                    kill()
                    return

        watcher = asyncio.create_task(watch_cpu()) if group is not None else None
        try:
            try:
                # asyncio.wait, not wait_for: a timeout must not cancel the futures we still need.
                _, pending = await asyncio.wait([exited, out.closed, err.closed], timeout=limits.wall_seconds)
                if pending:
                    timed_out = True
                    kill()
                    await asyncio.wait([exited], timeout=5.0)
            except BaseException:
                kill()
                raise
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if not exited.done():
                kill()
                await asyncio.shield(asyncio.wait([exited], timeout=5.0))
            loop.remove_reader(pidfd)
            os.close(pidfd)
            status, usage = await _reap(proc.pid)
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - started
            # After a kill the pipes close as the namespace dies; do not wait on a stuck holder.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(out.closed, err.closed), timeout=1.0)
            out_transport.close()
            err_transport.close()
        outcome = _Outcome(
            status=proc.returncode,
            rusage_cpu=usage.ru_utime + usage.ru_stime,
            rusage_rss_kb=int(usage.ru_maxrss),
            wall=round(wall, 4),
            timed_out=timed_out,
            cpu_killed=cpu_killed and not timed_out,
            output_overflow=state["overflow"],
        )
        return outcome, out, err


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


async def _reap(pid: int) -> tuple[int, resource.struct_rusage]:
    """Collect the exited child's status and rusage (it has exited, or was SIGKILLed a moment ago)."""
    waited, status, usage = os.wait4(pid, os.WNOHANG)  # noqa: ASYNC222 - WNOHANG never blocks
    if waited == 0:
        waited, status, usage = await asyncio.to_thread(os.wait4, pid, 0)
    return status, usage


def _with_limit(result: StepResult, limit: LimitHit) -> StepResult:
    return StepResult(
        exit_code=result.exit_code,
        stdout=result.stdout,
        stderr=result.stderr,
        stdout_truncated=result.stdout_truncated,
        stderr_truncated=result.stderr_truncated,
        wall_seconds=result.wall_seconds,
        cpu_seconds=result.cpu_seconds,
        max_rss_kb=result.max_rss_kb,
        limit=limit,
        signal=result.signal,
    )
