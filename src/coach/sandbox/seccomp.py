"""A seccomp filter for bwrap's `--seccomp FD`: deny the syscalls judged code never needs.

Namespaces keep the code away from the host's files, processes and network; the filter shrinks what it
can ask the kernel for (the same families Docker's default profile and nsjail's configs deny:
tracing other processes, kernel keyrings, eBPF, perf, userfaultfd, io_uring, mounting, module and
kexec loading). Written as classic BPF by hand, so no libseccomp is needed. Other architectures and
the 32-bit and x32 ABIs (different syscall numbers that would slip past the table) are refused.
"""

from __future__ import annotations

import errno
import platform
import struct

_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

# x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl).
DENIED_EPERM: dict[str, int] = {
    "acct": 163,
    "add_key": 248,
    "bpf": 321,
    "delete_module": 176,
    "finit_module": 313,
    "fsconfig": 431,
    "fsmount": 432,
    "fsopen": 430,
    "fspick": 433,
    "init_module": 175,
    "kexec_file_load": 320,
    "kexec_load": 246,
    "keyctl": 250,
    "lookup_dcookie": 212,
    "mount": 165,
    "mount_setattr": 442,
    "move_mount": 429,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "open_tree": 428,
    "perf_event_open": 298,
    "pivot_root": 155,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "ptrace": 101,
    "quotactl": 179,
    "reboot": 169,
    "request_key": 249,
    "setns": 308,
    "swapoff": 168,
    "swapon": 167,
    "syslog": 103,
    "umount2": 166,
    "unshare": 272,
    "userfaultfd": 323,
}
DENIED_ENOSYS: dict[str, int] = {
    # libuv (Node) probes io_uring and falls back to threads when it is "not implemented".
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
}


def supported() -> bool:
    """Whether a filter can be built for this machine (the table is x86_64's)."""
    return platform.machine() in ("x86_64", "AMD64")


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program() -> bytes:
    """The filter as `struct sock_filter[]` bytes, as bwrap reads them from its fd."""
    denied = [(nr, errno.EPERM) for nr in DENIED_EPERM.values()]
    denied += [(nr, errno.ENOSYS) for nr in DENIED_ENOSYS.values()]
    n = len(denied)
    code = [
        _insn(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _insn(_JEQ_K, 1, 0, _AUDIT_ARCH_X86_64),
        _insn(_RET_K, 0, 0, _RET_KILL_PROCESS),
        _insn(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        # x32 syscalls share numbers with a high bit set: refuse them all.
        _insn(_JGE_K, 2 * n + 1, 0, _X32_BIT),
    ]
    # Each denied number jumps to its own return below the ALLOW: pairs of (return) laid out in order.
    for i, (nr, _) in enumerate(denied):
        # From instruction i of n comparisons: skip the rest (n - i - 1), the ALLOW (1), then i returns.
        code.append(_insn(_JEQ_K, (n - i - 1) + 1 + i, 0, nr))
    code.append(_insn(_RET_K, 0, 0, _RET_ALLOW))
    for _, err in denied:
        code.append(_insn(_RET_K, 0, 0, _RET_ERRNO | err))
    code.append(_insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS))  # x32
    return b"".join(code)
