"""How failed logins slow an account down: free tries, then a doubling wait, then a lock."""

from __future__ import annotations

FREE_FAILURES = 3
MAX_DELAY_SECONDS = 30


def wait_after(failures: int, *, max_failures: int, lock_seconds: int) -> int:
    """Seconds an account must wait before its next login after `failures` failed ones in a row.

    0 for the first FREE_FAILURES, then 1, 2, 4, ... (at most MAX_DELAY_SECONDS), and
    `lock_seconds` once `max_failures` is reached.
    """
    if failures >= max_failures:
        return lock_seconds
    if failures <= FREE_FAILURES:
        return 0
    return int(min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_FAILURES - 1)))


def wait_message(seconds: int, *, locked: bool) -> str:
    """What a client refused for an account's wait is told."""
    if locked:
        minutes = max(1, round(seconds / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return (
            "Too many failed logins for this account, so it is locked for a while. "
            f"Try again in about {minutes} {unit}."
        )
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many failed logins for this account; wait {seconds} {unit} before trying again."
