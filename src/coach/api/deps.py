"""What handlers ask for by parameter name: the runtime, the interview use cases, a request's database session, the time."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from coach.runtime import Runtime
from coach.services.interview_cases import InterviewCases


def dependencies(runtime: Runtime) -> dict[str, Any]:
    """The app's dependency providers, closed over the one runtime (handlers never look it up)."""

    def provide_runtime() -> Runtime:
        return runtime

    def provide_interviews() -> InterviewCases:
        return runtime.interviews

    def provide_now() -> datetime:
        return runtime.clock()

    async def provide_db() -> AsyncGenerator[AsyncSession, None]:
        # One unit of work per request: committed if the handler succeeds, rolled back if it raises.
        async with runtime.transactions() as tx:
            yield tx.db

    return {
        "runtime": Provide(provide_runtime, sync_to_thread=False),
        "interviews": Provide(provide_interviews, sync_to_thread=False),
        "db": Provide(provide_db),
        "now": Provide(provide_now, sync_to_thread=False),
    }


RuntimeDep = NamedDependency[Runtime]
"""A handler parameter named `runtime`."""

InterviewsDep = NamedDependency[InterviewCases]
"""A handler parameter named `interviews`: the interview's use cases."""

DbSession = NamedDependency[AsyncSession]
"""A handler parameter named `db`: the request's session."""

Now = NamedDependency[datetime]
"""A handler parameter named `now`: the request's time on the runtime's one clock."""
