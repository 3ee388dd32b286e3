"""Progress analytics over one user's history: pure functions from rows to chart-ready structs."""

from __future__ import annotations

from coach.domain.analytics.models import (
    MIN_SAMPLES,
    Bucket,
    Progress,
    ProgressPoint,
    Recommendation,
    ScoredAnswer,
    Series,
    SessionRecord,
    SessionSuggestion,
    SkillAverage,
    SkillStat,
    Summary,
    bucket_start,
    local_date,
)
from coach.domain.analytics.overview import progress, summary
from coach.domain.analytics.recommend import SKILL_TYPES, difficulty_for, recommendations, session_type_for
from coach.domain.analytics.skills import skills

__all__ = [
    "MIN_SAMPLES",
    "SKILL_TYPES",
    "Bucket",
    "Progress",
    "ProgressPoint",
    "Recommendation",
    "ScoredAnswer",
    "Series",
    "SessionRecord",
    "SessionSuggestion",
    "SkillAverage",
    "SkillStat",
    "Summary",
    "bucket_start",
    "difficulty_for",
    "local_date",
    "progress",
    "recommendations",
    "session_type_for",
    "skills",
    "summary",
]
