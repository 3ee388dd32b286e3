"""One JSON error format for every REST failure."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from coach.api.envelope import ErrorBody
from coach.domain.errors import (
    Busy,
    CoachError,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidState,
    NotFound,
    RateLimited,
    Unauthorized,
)

log = logging.getLogger("coach.errors")

STATUS_OF: dict[type[CoachError], int] = {
    RateLimited: 429,
    Busy: 503,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthorized: 401,
    InvalidState: 409,
}

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}

_MESSAGES = {
    401: "Authentication required: log in or send a valid bearer token.",
    403: "You are not allowed to do this.",
    404: "Not found.",
    405: "Method not allowed on this path.",
    413: "Request body too large.",
    429: "Too many requests; slow down and try again shortly.",
}


def _response(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> Response[ErrorBody]:
    return Response(content=body, status_code=status, headers=headers)


def coach_error_handler(_: Request[Any, Any, Any], exc: CoachError) -> Response[ErrorBody]:
    status = next((s for kind, s in STATUS_OF.items() if isinstance(exc, kind)), 400)
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, Busy):
        headers = {"Retry-After": "1"}
    return _response(status, ErrorBody(error=exc.code, message=exc.message, field=exc.field), headers)


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    details: list[dict[str, str]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            details.append({k: str(v) for k, v in item.items() if k in ("key", "message", "source")})
    if details:
        first = details[0]
        where = f" ({first['key']})" if first.get("key") else ""
        message = f"Invalid request{where}: {first.get('message', 'invalid value')}."
        field = first.get("key") or None
    else:
        message, field = f"Invalid request: {exc.detail}.", None
    code = "malformed_json" if "JSON" in exc.detail and not details else "invalid_input"
    return _response(400, ErrorBody(error=code, message=message, field=field, details=details or None))


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    status = exc.status_code
    if status >= 500:
        log.error("server error: %s", exc.detail)
        return _response(status, ErrorBody(error=_CODES.get(status, "server_error"), message="Server error."))
    # Litestar's own details for these are terse or leak internals; ours say what to do.
    fixed = _MESSAGES.get(status) if status in (401, 404, 405, 413, 429) else None
    message = fixed or exc.detail or _MESSAGES.get(status, "Bad request.")
    headers = dict(exc.headers or {})
    code = _CODES.get(status, "bad_request")
    if isinstance(exc.__cause__, SerializationException):
        code, message = "malformed_json", f"The request body is not valid JSON: {exc.detail}."
    return _response(status, ErrorBody(error=code, message=message), headers)


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _response(
        HTTP_500_INTERNAL_SERVER_ERROR,
        ErrorBody(error="server_error", message="Something went wrong on our side; it has been logged."),
    )


_DESCRIPTIONS = {
    400: "Malformed JSON, wrong types, missing or unknown fields",
    401: "Missing, expired, revoked or invalid token",
    403: "Not allowed",
    404: "No such resource (or not yours)",
    409: "Conflicts with the current state",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Well-formed but invalid values",
    429: "Rate limited",
    500: "Server error (no internals)",
    503: "Busy: too many password checks waiting on this instance (Retry-After)",
}


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error statuses a handler can answer, all in the error format."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=_DESCRIPTIONS[status])
        for status in (*statuses, 500)
    }


EXCEPTION_HANDLERS: dict[Any, Any] = {
    CoachError: coach_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
