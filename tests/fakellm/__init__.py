"""An OpenAI-compatible fake LLM server for tests and benchmarks."""

from tests.fakellm.faults import Fault, FaultKind, RequestKind, Target
from tests.fakellm.payloads import DEFAULT_EVALUATION, DEFAULT_QUESTION, split_tokens
from tests.fakellm.server import Exchange, FakeLLM

__all__ = [
    "DEFAULT_EVALUATION",
    "DEFAULT_QUESTION",
    "Exchange",
    "FakeLLM",
    "Fault",
    "FaultKind",
    "RequestKind",
    "Target",
    "split_tokens",
]
