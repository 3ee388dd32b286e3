"""Dependencies handlers ask for: the runtime and a request-scoped database session that commits once."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from coach.runtime import Runtime


def provide_runtime(state: State) -> Runtime:
    """The app's shared resources."""
    runtime: Runtime = state.runtime
    return runtime


async def provide_db(state: State) -> AsyncGenerator[AsyncSession, None]:
    """A session for this request: commits if the handler succeeds, rolls back if it raises."""
    runtime: Runtime = state.runtime
    async with runtime.sessions() as db:
        try:
            yield db
        except BaseException:
            await db.rollback()
            raise
        else:
            await db.commit()


RuntimeDep = NamedDependency[Runtime]
"""A handler parameter named `runtime`."""

DbSession = NamedDependency[AsyncSession]
"""A handler parameter named `db`: the request's session."""
