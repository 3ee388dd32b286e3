"""Choose the interviewer from settings: OpenAI-compatible when an endpoint is set, offline otherwise."""

from __future__ import annotations

from coach.domain.bank_index import Bank
from coach.llm.offline import OfflineInterviewer
from coach.llm.openai_adapter import OpenAIInterviewer
from coach.llm.port import Interviewer
from coach.settings import Settings


def build_interviewers(settings: Settings, bank: Bank) -> tuple[Interviewer, OfflineInterviewer]:
    """The primary interviewer and the offline one it falls back to."""
    offline = OfflineInterviewer(bank, token_delay=settings.offline_token_delay)
    if not settings.llm_enabled:
        return offline, offline
    primary = OpenAIInterviewer(
        base_url=settings.llm_base_url or "https://api.openai.com/v1",
        api_key=settings.llm_api_key or "not-needed",
        model=settings.llm_model,
        bank=bank,
        call_deadline=settings.llm_timeout,
        stream_idle_timeout=settings.llm_stream_idle_timeout,
    )
    return primary, offline
