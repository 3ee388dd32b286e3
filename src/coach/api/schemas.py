"""Request and response bodies of the account endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from coach.domain.accounts import PASSWORD_MAX, PASSWORD_MIN
from coach.domain.kinds import Language, Level, SessionType
from coach.protocol import NO_NUL
from coach.store.models import User

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=320, pattern=NO_NUL, description="Email address")
]
Password = Annotated[
    str, msgspec.Meta(min_length=1, max_length=1024, pattern=NO_NUL, description="The account's password")
]
# The policy's 8-128 characters are checked by the domain with a clear 422 (not msgspec's 400); the schema says so.
NewPassword = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=1024,
        pattern=NO_NUL,
        description=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters, not a common password",
        extra_json_schema={"extra": {"minLength": PASSWORD_MIN, "maxLength": PASSWORD_MAX}},
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NO_NUL)]  # as clean_name allows


class RegisterIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    name: Name


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class UserOut(msgspec.Struct, frozen=True):
    id: uuid.UUID
    email: str
    name: str
    role: str
    target_role: str | None
    experience_level: str | None
    preferred_types: list[str]
    preferred_language: str | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            target_role=user.target_role,
            experience_level=user.experience_level,
            preferred_types=list(user.preferred_types),
            preferred_language=user.preferred_language,
            created_at=user.created_at,
        )


class TokenOut(msgspec.Struct, frozen=True):
    access_token: str
    token_type: str
    expires_in: int
    user: UserOut


class ProfilePatch(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields given change; null clears an optional one."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    target_role: Annotated[str, msgspec.Meta(max_length=100, pattern=NO_NUL)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    experience_level: Level | msgspec.UnsetType | None = msgspec.UNSET
    preferred_types: Annotated[list[SessionType], msgspec.Meta(max_length=5)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    preferred_language: Language | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> dict[str, object]:
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}
