"""Response bodies shaped exactly like OpenAI's chat completion objects."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

MODEL = "fake-model"

DEFAULT_QUESTION = (
    "Tell me about a time you had to debug a production incident under pressure. "
    "What did you check first, and why?"
)

DEFAULT_EVALUATION: dict[str, Any] = {
    "score": 7,
    "feedback": "A clear, structured answer that covers the main points.",
    "strengths": ["Clear structure"],
    "improvements": ["Quantify the impact of the fix"],
    "skill_scores": [{"skill": "debugging", "score": 7}],
    "criteria": [{"id": "approach", "score": 7, "comment": "Sound first steps."}],
    "injection_detected": False,
}

INVALID_JSON = '{"score": 7, "feedback": "unterminated'

# A leading-whitespace run plus up to four characters, like a BPE token; the pieces join back exactly.
_TOKEN = re.compile(r"\s*\S{1,4}|\s+")


def split_tokens(text: str) -> list[str]:
    """Split text into small token-like pieces whose concatenation is the text."""
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    """A rough token count, good enough for usage numbers."""
    return len(split_tokens(text))


def prompt_tokens(body: dict[str, Any]) -> int:
    """Rough prompt token count of a chat request's messages."""
    messages = body.get("messages") or []
    return sum(count_tokens(str(m.get("content", ""))) for m in messages if isinstance(m, dict))


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    """A non-streamed `chat.completion` object."""
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model") or MODEL),
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage(prompt_tokens(body), count_tokens(content)),
    }


def stream_events(body: dict[str, Any], content: str) -> list[bytes]:
    """The SSE events of a streamed completion: role, one per piece, finish, optional usage, [DONE]."""
    cid, created, model = completion_id(), int(time.time()), str(body.get("model") or MODEL)
    options = body.get("stream_options") or {}
    include_usage = bool(options.get("include_usage")) if isinstance(options, dict) else False
    pieces = split_tokens(content)

    def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            obj["usage"] = None
        return obj

    objs = [chunk({"role": "assistant", "content": "", "refusal": None}, None)]
    objs += [chunk({"content": p}, None) for p in pieces]
    objs.append(chunk({}, "stop"))
    if include_usage:
        objs.append(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [],
                "usage": usage(prompt_tokens(body), len(pieces)),
            }
        )
    events = [sse(json.dumps(o)) for o in objs]
    events.append(sse("[DONE]"))
    return events


def sse(data: str) -> bytes:
    return f"data: {data}\n\n".encode()


def error(status: int, message: str) -> dict[str, Any]:
    """OpenAI's error envelope."""
    kind = "rate_limit_exceeded" if status == 429 else "server_error" if status >= 500 else "invalid_request"
    return {"error": {"message": message, "type": kind, "param": None, "code": kind}}


JSON_SCHEMA_REFUSED = "response_format.type: Input should be 'text' or 'json_object' (got 'json_schema')"
"""What a server without json_schema support answers (llama.cpp server, Ollama, LM Studio say much the same)."""


def json_schema_refused() -> dict[str, Any]:
    """The 400 body of a server that only takes `response_format` text or json_object, in llama.cpp's envelope."""
    return {"error": {"code": 400, "message": JSON_SCHEMA_REFUSED, "type": "invalid_request_error"}}


def models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "fakellm"}],
    }
