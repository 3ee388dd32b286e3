"""Account rules: email normalisation and the password policy."""

from __future__ import annotations

import re
import unicodedata

from coach.domain.common_passwords import COMMON_PASSWORDS
from coach.domain.errors import InvalidInput

PASSWORD_MIN = 8
PASSWORD_MAX = 128
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def normalize_email(raw: str) -> str:
    """Trim, NFKC-normalise and lowercase an email; raise InvalidInput if it is not one."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    if len(email) > 320 or not _EMAIL.match(email) or ".." in email.split("@", 1)[1]:
        raise InvalidInput("Enter a valid email address.", field="email")
    return email


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse passwords that are too short, too long, common, or made of the account's own details."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"Password must be at least {PASSWORD_MIN} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"Password must be at most {PASSWORD_MAX} characters.", field="password")
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) < 3:
        raise InvalidInput("This password is too common; choose another.", field="password")
    local = email.split("@", 1)[0].casefold()
    if (local and len(local) >= 4 and folded == local) or (name and folded == name.casefold()):
        raise InvalidInput("Password must not be your email or name.", field="password")


def clean_name(raw: str) -> str:
    """A display name: trimmed, 1-100 characters, no control characters."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name or len(name) > 100 or any(unicodedata.category(c).startswith("C") for c in name):
        raise InvalidInput("Name must be 1 to 100 printable characters.", field="name")
    return name
