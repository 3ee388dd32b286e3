"""GET /api/analytics/*: the logged-in user's progress (their own data only)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter

from coach.api.deps import DbSession, Now
from coach.api.envelope import Envelope
from coach.api.errors import error_responses
from coach.domain import analytics as a
from coach.domain.kinds import SessionType
from coach.services import analytics
from coach.store.models import User

TzOffset = Annotated[
    int,
    QueryParameter(
        ge=-14 * 60, le=14 * 60, description="Your UTC offset in minutes EAST of UTC (CET is 60)."
    ),
]


class AnalyticsController(Controller):
    path = "/api/analytics"
    tags = ["analytics"]

    @get("/summary", responses=error_responses(400, 401))
    async def summary(
        self, request: Request[User, Any, Any], db: DbSession, now: Now, tz: TzOffset = 0
    ) -> Envelope[a.Summary]:
        """Sessions completed, questions answered, average and best score, streak, strongest and weakest skills."""
        return Envelope(await analytics.summary(db, request.user.id, now, tz))

    @get("/progress", responses=error_responses(400, 401))
    async def progress(
        self,
        request: Request[User, Any, Any],
        db: DbSession,
        bucket: FromQuery[a.Bucket] = "day",
        type: FromQuery[SessionType | None] = None,
        tz: TzOffset = 0,
    ) -> Envelope[a.Progress]:
        """Average score per day or ISO week; one series per interview type ("all" first unless `type`)."""
        return Envelope(await analytics.progress(db, request.user.id, bucket, type, tz))

    @get("/skills", responses=error_responses(400, 401))
    async def skills(
        self, request: Request[User, Any, Any], db: DbSession, now: Now, tz: TzOffset = 0
    ) -> Envelope[list[a.SkillStat]]:
        """Each assessed skill: average, samples, trend (newer half minus older half), enough_data."""
        return Envelope(await analytics.skills(db, request.user.id, now, tz))

    @get("/recommendations", responses=error_responses(400, 401))
    async def recommendations(
        self, request: Request[User, Any, Any], db: DbSession, now: Now, tz: TzOffset = 0
    ) -> Envelope[list[a.Recommendation]]:
        """Up to three sessions for your weakest skills, each ready to prefill the new-session form."""
        return Envelope(await analytics.recommendations(db, request.user.id, now, tz))
