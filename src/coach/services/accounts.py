"""Account use cases: register, authenticate, update the profile."""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.auth.passwords import PasswordHasher
from coach.auth.throttle import GlobalLimit, LoginGuard
from coach.clock import utcnow
from coach.domain.accounts import check_password, clean_name, normalize_email
from coach.domain.errors import Busy, Conflict, InvalidInput, Unauthorized
from coach.domain.kinds import LANGUAGES, LEVELS, SESSION_TYPES
from coach.store.models import User
from coach.store.users import get_user_by_email

_BAD_LOGIN = "Email or password is incorrect."


async def register(
    db: AsyncSession,
    hasher: PasswordHasher,
    limit: GlobalLimit,
    *,
    email: str,
    password: str,
    name: str,
) -> User:
    """Create an account; Conflict if the email is taken.

    The 409 tells whether an email has an account (the form must say so anyway); what keeps that
    from being an oracle is the rate: per client (the HTTP limit) and across all clients (`limit`).
    """
    email = normalize_email(email)
    name = clean_name(name)
    # The strength estimate costs up to ~0.1 s of CPU on a long password: keep it off the event loop.
    await anyio.to_thread.run_sync(partial(check_password, password, email=email, name=name))
    await limit.hit()
    async with hasher.reserve():
        if await get_user_by_email(db, email) is not None:
            raise Conflict("An account with this email already exists.", field="email")
        user = User(email=email, name=name, password_hash=await hasher.hash(password))
    db.add(user)
    try:
        await db.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("An account with this email already exists.", field="email") from exc
    return user


async def authenticate(
    db: AsyncSession, hasher: PasswordHasher, guard: LoginGuard, *, email: str, password: str
) -> User:
    """The user whose credentials these are; the same Unauthorized whether the email or the password is wrong.

    Failures are counted per account (known or not, so the limit reveals nothing): after a few, the
    account must wait longer and longer, then it is locked (RateLimited / AccountLocked, 429).
    """
    try:
        email = normalize_email(email)
    except InvalidInput:
        email = ""
    attempts = await guard.admit(email) if email else 0
    try:
        async with hasher.reserve():
            user = await get_user_by_email(db, email) if email else None
            ok = await hasher.verify(user.password_hash if user else None, password)
            if user is not None and ok and hasher.needs_rehash(user.password_hash):
                user.password_hash = await hasher.hash(password)
                user.updated_at = utcnow()
    except Busy:
        if email:
            await guard.not_checked(email)
        raise
    if user is None or not ok:
        if email:
            await guard.failed(email, attempts)
        raise Unauthorized(_BAD_LOGIN)
    await guard.succeeded(email)
    return user


async def update_profile(db: AsyncSession, user: User, changes: dict[str, Any]) -> User:
    """Apply validated profile changes (only the fields given)."""
    if "name" in changes:
        user.name = clean_name(changes["name"])
    if "target_role" in changes:
        role = changes["target_role"]
        user.target_role = " ".join(role.split())[:100] or None if role is not None else None
    if "experience_level" in changes:
        level = changes["experience_level"]
        if level is not None and level not in LEVELS:
            raise InvalidInput(
                f"experience_level must be one of {', '.join(LEVELS)}.", field="experience_level"
            )
        user.experience_level = level
    if "preferred_types" in changes:
        types = list(dict.fromkeys(changes["preferred_types"]))
        unknown = [t for t in types if t not in SESSION_TYPES]
        if unknown:
            raise InvalidInput(f"Unknown interview type: {unknown[0]}.", field="preferred_types")
        user.preferred_types = types
    if "preferred_language" in changes:
        language = changes["preferred_language"]
        if language is not None and language not in LANGUAGES:
            raise InvalidInput(
                f"preferred_language must be one of {', '.join(LANGUAGES)}.", field="preferred_language"
            )
        user.preferred_language = language
    user.updated_at = utcnow()
    db.add(user)
    await db.flush()
    return user
