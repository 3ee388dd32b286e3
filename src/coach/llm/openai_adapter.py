"""The interviewer backed by any OpenAI-compatible chat-completions endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
import msgspec
import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONObject, ResponseFormatJSONSchema

from coach.domain.bank_index import Bank, to_meta
from coach.domain.evaluation import Evaluation
from coach.domain.evaluator import Grader
from coach.domain.evaluator.findings import apply_findings, findings_lines, findings_of
from coach.domain.followups import follow_up_meta
from coach.domain.injection import detect_injection
from coach.domain.prompts import (
    EVALUATION_SCHEMA,
    build_evaluation_messages,
    build_question_messages,
    fresh_nonce,
    parse_evaluation,
)
from coach.domain.questions import AnswerRequest, QuestionRequest
from coach.llm.port import InterviewerError, QuestionStream

__all__ = ["OpenAIInterviewer"]

T = TypeVar("T")

_RETRY_STATUSES = frozenset({408, 409, 429})
_MAX_BACKOFF = 4.0
_DRAIN_TIMEOUT = 0.1
_RESPONSE_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {"name": "evaluation", "strict": True, "schema": EVALUATION_SCHEMA},
}
_JSON_OBJECT: ResponseFormatJSONObject = {"type": "json_object"}
_FORMAT_REJECTED = ("json_schema", "json_object", "response_format")
"""Words of a 400 that refuses the json_schema response format (llama.cpp, Ollama, LM Studio, vLLM)."""


class _Stalled(Exception):
    """No chunk arrived within the idle timeout (the SDK would wait silently)."""


class _NoOutput(Exception):
    """The model ended its output without any text."""


class _Delta(msgspec.Struct):
    content: str | None = None


class _Choice(msgspec.Struct):
    delta: _Delta | None = None
    finish_reason: str | None = None


class _Usage(msgspec.Struct):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _Chunk(msgspec.Struct):
    """The fields of a chat-completion chunk that we read; the rest is skipped unparsed."""

    choices: list[_Choice] = []
    usage: _Usage | None = None
    error: Any = None


_chunk = msgspec.json.Decoder(_Chunk)


class _ChunkStream:
    """A question's SSE body decoded with msgspec (the SDK builds a pydantic model per chunk,
    most of the relay's CPU). Same outcomes as the SDK's stream: stops at `[DONE]` or the end of
    the body, an `error` event raises `openai.APIError`, read failures raise `APITimeoutError` /
    `APIConnectionError`."""

    def __init__(self, response: httpx2.Response) -> None:
        self._response = response
        self._chunks = self._iterate()

    def __anext__(self) -> Awaitable[_Chunk]:
        return self._chunks.__anext__()

    async def close(self) -> None:
        await self._chunks.aclose()
        await self._response.aclose()

    async def _iterate(self) -> AsyncGenerator[_Chunk, None]:
        response = self._response
        rest = b""
        data: list[bytes] = []
        body = response.aiter_bytes()
        while True:
            try:
                received = await anext(body, None)
            except httpx2.TimeoutException as exc:
                raise openai.APITimeoutError(request=response.request) from exc
            except httpx2.RequestError as exc:
                raise openai.APIConnectionError(request=response.request) from exc
            if received is None:
                return
            lines = (rest + received).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if line.endswith(b"\r"):
                    line = line[:-1]
                if line:
                    if line.startswith(b"data:"):
                        value = line[5:]
                        data.append(value[1:] if value.startswith(b" ") else value)
                    continue  # comments, event names, ids: not used by chat completions
                if not data:
                    continue
                payload = b"\n".join(data)
                data = []
                if payload.startswith(b"[DONE]"):
                    # Like the SDK: read the rest of the body briefly so the connection can be reused.
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(_DRAIN_TIMEOUT):
                            async for _ in body:
                                pass
                    return
                chunk = _chunk.decode(payload)
                if chunk.error:
                    error = chunk.error
                    message = error.get("message") if isinstance(error, dict) else None
                    if not message or not isinstance(message, str):
                        message = "An error occurred during streaming"
                    raise openai.APIError(message, response.request, body=error)
                yield chunk


@dataclass(slots=True)
class _Opened:
    stream: _ChunkStream
    first: str
    finished: bool


class OpenAIInterviewer:
    """Writes questions and grades answers with an LLM, with our own deadline, retries and idle timeout.

    The SDK's own retries are off (`max_retries=0`): its defaults (600 s read timeout, 2 retries)
    could hold an evaluation far past the job lease. Counters below are for metrics.
    """

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        bank: Bank,
        grader: Grader,
        call_deadline: float = 60.0,
        max_attempts: int = 3,
        stream_idle_timeout: float = 15.0,
        temperature: float | None = 0.7,
        eval_temperature: float | None = 0.0,
        backoff_base: float = 0.5,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.model = model
        self._bank = bank
        self._grader = grader
        self._json_schema = True
        """False once the server refused `response_format: json_schema`: later calls ask for json_object."""
        self._deadline = call_deadline
        self._max_attempts = max_attempts
        self._idle = stream_idle_timeout
        self._temperature = temperature
        self._eval_temperature = eval_temperature
        self._backoff_base = backoff_base
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key, max_retries=0, timeout=call_deadline
        )
        self.calls = 0
        self.errors = 0
        self.retries = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.format_fallbacks = 0
        """Requests refused for their json_schema response format and re-sent as json_object."""
        self.last_latency: float | None = None
        """Seconds to the first token of the last question, or for the whole last evaluation."""

    async def aclose(self) -> None:
        """Close the HTTP client and its connections."""
        await self._client.close()

    # -- questions ---------------------------------------------------------------

    async def question(self, request: QuestionRequest) -> QuestionStream:
        """Start streaming a question; failures before the first token are retried, later ones raise."""
        self.calls += 1
        started = time.perf_counter()
        follow_up = request.follow_up
        if follow_up is not None:
            prompt = follow_up.prompts[0] if follow_up.prompts else ""
            meta = follow_up_meta(follow_up.meta, prompt, follow_up.position, "llm")
            exemplars = []
        else:
            try:
                exemplar = self._bank.pick(request)
            except LookupError as exc:
                self.errors += 1
                raise InterviewerError(str(exc)) from exc
            meta = msgspec.structs.replace(to_meta(exemplar, request.language), source="llm")
            exemplars = [exemplar]
        messages = _chat_messages(build_question_messages(request, exemplars))
        deadline = asyncio.get_running_loop().time() + self._deadline
        opened = await self._retrying("question", deadline, lambda remaining: self._open(messages, remaining))
        self.last_latency = time.perf_counter() - started
        return QuestionStream(meta=meta, deltas=self._deltas(opened, deadline))

    async def _open(self, messages: list[ChatCompletionMessageParam], remaining: float) -> _Opened:
        """One attempt: open the stream and read up to the first piece of text."""
        raw = await self._client.chat.completions.with_raw_response.create(
            model=self.model,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            timeout=remaining,
            temperature=_temperature(self._temperature),
        )
        stream = _ChunkStream(raw.http_response)  # status errors were raised above, as before
        try:
            while True:
                try:
                    async with asyncio.timeout(self._idle):
                        chunk = await anext(stream)
                except TimeoutError as exc:
                    raise _Stalled(f"no chunk within {self._idle:g}s") from exc
                except StopAsyncIteration as exc:
                    raise _NoOutput("stream ended before any text") from exc
                piece, finished = self._take(chunk)
                if piece:
                    return _Opened(stream, piece, finished)
                if finished:
                    raise _NoOutput("model finished without any text")
        except BaseException:
            await stream.close()
            raise

    async def _deltas(self, opened: _Opened, deadline: float) -> AsyncIterator[str]:
        """The question's text; a stall, cut or error raises InterviewerError so the caller falls back."""
        loop = asyncio.get_running_loop()
        stream, finished = opened.stream, opened.finished
        try:
            yield opened.first
            while True:
                remaining = deadline - loop.time()
                wait = min(self._idle, remaining)
                try:
                    if wait <= 0:
                        raise TimeoutError
                    async with asyncio.timeout(wait):
                        chunk = await anext(stream)
                except StopAsyncIteration:
                    break
                except TimeoutError as exc:
                    what = "stalled" if remaining > self._idle else "ran past its deadline"
                    raise InterviewerError(f"question stream {what}") from exc
                except Exception as exc:
                    raise InterviewerError(f"question stream failed: {exc}") from exc
                piece, done = self._take(chunk)
                finished = finished or done
                if piece:
                    yield piece
            if not finished:
                # The SDK ends quietly when a server closes the body without a finish_reason or [DONE].
                raise InterviewerError("question stream was cut short")
        except InterviewerError:
            self.errors += 1
            raise
        finally:
            await stream.close()

    def _take(self, chunk: _Chunk) -> tuple[str, bool]:
        """The text and whether the model finished, counting usage when the chunk carries it."""
        if chunk.usage is not None:
            self.prompt_tokens += chunk.usage.prompt_tokens
            self.completion_tokens += chunk.usage.completion_tokens
        text = "".join(c.delta.content or "" for c in chunk.choices if c.delta is not None)
        return text, any(c.finish_reason is not None for c in chunk.choices)

    # -- evaluation --------------------------------------------------------------

    @property
    def grader(self) -> Grader:
        return self._grader

    @property
    def uses_json_schema(self) -> bool:
        """Whether evaluations still ask for `response_format: json_schema` (False after a refusal)."""
        return self._json_schema

    async def evaluate(self, request: AnswerRequest) -> Evaluation:
        """Grade an answer with the LLM judge within the offline grader's findings.

        The grader's analysis (off the loop) gives the judge its facts and caps what it may score.
        Output is asked for by strict JSON schema (json_object with the schema in the prompt when
        the server refuses that), re-validated; bad output is retried within the deadline.
        """
        self.calls += 1
        started = time.perf_counter()
        analysis = await asyncio.to_thread(self._grader.analyse, request)
        findings = findings_of(analysis)
        lines = findings_lines(findings)
        if request.test_results:
            # Measured by running the code; the worker applies them after the grade, whatever it says.
            lines = [
                *lines,
                f"Tests run on the candidate's code (they decide correctness): {request.test_results}",
            ]
        report = detect_injection(request.answer)
        answer = report.cleaned if report.flagged else request.answer
        nonce = fresh_nonce("\n".join([answer, *lines]))

        def messages(schema_in_prompt: bool) -> list[ChatCompletionMessageParam]:
            return _chat_messages(
                build_evaluation_messages(
                    request.question,
                    request.meta,
                    answer,
                    nonce,
                    findings=lines,
                    schema_in_prompt=schema_in_prompt,
                )
            )

        spent = [0, 0]  # prompt and completion tokens over every attempt, failed ones included

        async def ask(remaining: float) -> ChatCompletion:
            if self._json_schema:
                try:
                    return await self._client.chat.completions.create(
                        model=self.model,
                        messages=messages(False),
                        response_format=_RESPONSE_FORMAT,
                        timeout=remaining,
                        temperature=_temperature(self._eval_temperature),
                    )
                except openai.APIStatusError as exc:
                    if not _refuses_json_schema(exc):
                        raise
                    self._json_schema = False  # this server never will: go straight to json_object
                    self.format_fallbacks += 1
            return await self._client.chat.completions.create(
                model=self.model,
                messages=messages(True),
                response_format=_JSON_OBJECT,
                timeout=remaining,
                temperature=_temperature(self._eval_temperature),
            )

        async def attempt(remaining: float) -> Evaluation:
            response = await ask(remaining)
            if response.usage is not None:
                spent[0] += response.usage.prompt_tokens
                spent[1] += response.usage.completion_tokens
                self.prompt_tokens += response.usage.prompt_tokens
                self.completion_tokens += response.usage.completion_tokens
            content = response.choices[0].message.content if response.choices else None
            if not content:
                raise ValueError("empty evaluation output")
            return parse_evaluation(content, request.meta, response.model or self.model, None)

        deadline = asyncio.get_running_loop().time() + self._deadline
        evaluation = await self._retrying("evaluation", deadline, attempt)
        self.last_latency = time.perf_counter() - started
        # Whatever the model said, the guards hold: capped scores, merged flags, misconceptions named.
        return msgspec.structs.replace(
            apply_findings(evaluation, findings), prompt_tokens=spent[0], completion_tokens=spent[1]
        )

    # -- retries -----------------------------------------------------------------

    async def _retrying(self, what: str, deadline: float, attempt: Callable[[float], Awaitable[T]]) -> T:
        """Run `attempt(remaining_seconds)` until it succeeds, fails for good, or the deadline passes."""
        loop = asyncio.get_running_loop()
        failure: BaseException | None = None
        tries = 0
        while tries < self._max_attempts:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            tries += 1
            try:
                # Our total bound: the SDK's timeout is per read, so a trickling server could outlast it.
                async with asyncio.timeout_at(deadline):
                    return await attempt(remaining)
            except TimeoutError as exc:
                failure = exc
                break
            except Exception as exc:
                failure = exc
                if not _retryable(exc):
                    break
            if tries >= self._max_attempts:
                break
            delay = self._backoff(tries, failure)
            if loop.time() + delay >= deadline:
                break
            self.retries += 1
            await asyncio.sleep(delay)
        self.errors += 1
        raise InterviewerError(f"{what} failed after {tries} attempt(s): {failure!r}") from failure

    def _backoff(self, tries: int, failure: BaseException | None) -> float:
        """Exponential backoff with jitter, never shorter than the server's retry-after."""
        ceiling = min(_MAX_BACKOFF, self._backoff_base * 2.0 ** (tries - 1))
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)
        if isinstance(failure, openai.APIStatusError):
            header: str | None = failure.response.headers.get("retry-after")
            delay = max(delay, _retry_after(header))
        return delay


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRY_STATUSES or exc.status_code >= 500
    # Connection errors, SDK timeouts and error events in a stream; stalls; invalid or empty output.
    return isinstance(exc, openai.APIError | _Stalled | _NoOutput | ValueError)


def _refuses_json_schema(exc: openai.APIStatusError) -> bool:
    """A 400 (422 from pydantic-based servers) that names the response format: json_schema is not supported."""
    if exc.status_code not in (400, 422):
        return False
    text = f"{exc.message} {exc.body!r}".casefold()
    return any(word in text for word in _FORMAT_REJECTED)


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0  # an HTTP date: rare from LLM servers, and our backoff still applies


def _temperature(value: float | None) -> float | openai.Omit:
    # Some reasoning models reject any temperature, so None leaves it out of the request.
    return openai.omit if value is None else value


def _chat_messages(messages: list[dict[str, str]]) -> list[ChatCompletionMessageParam]:
    out: list[ChatCompletionMessageParam] = []
    for m in messages:
        if m["role"] == "system":
            out.append({"role": "system", "content": m["content"]})
        else:
            out.append({"role": "user", "content": m["content"]})
    return out
