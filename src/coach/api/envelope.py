"""The success envelope every REST response uses."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Pagination(msgspec.Struct, frozen=True):
    page: int
    per_page: int
    total: int


class Envelope(msgspec.Struct, Generic[T], frozen=True):
    """`{"data": …, "message": "…"}`."""

    data: T
    message: str = "ok"


class Page(msgspec.Struct, Generic[T], frozen=True):
    """A list: `{"data": [...], "message": "…", "pagination": {page, per_page, total}}`."""

    data: list[T]
    pagination: Pagination
    message: str = "ok"


class ErrorBody(msgspec.Struct, frozen=True):
    """`{"error": "<code>", "message": "<sentence>"}`, with the offending field and details when known."""

    error: str
    message: str
    field: str | None = None
    details: list[dict[str, str]] | None = None
