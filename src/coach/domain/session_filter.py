"""Which of a candidate's sessions a history list shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class SessionFilter:
    """Filters of the session list; None means any."""

    type: str | None = None
    difficulty: str | None = None
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
