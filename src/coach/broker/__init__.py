"""Adapters over the message broker (Redis, or memory in one process): pub/sub, presence, job wake-ups."""
