"""Account rules: email normalisation and the password policy."""

from __future__ import annotations

import re
import unicodedata

from zxcvbn import zxcvbn

from coach.domain.errors import InvalidInput

PASSWORD_MIN = 8
PASSWORD_MAX = 128
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" (~10^8 guesses or more)
_SITE_WORDS = ("coach", "interview", "mock", "candidate")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def normalize_email(raw: str) -> str:
    """Trim, NFKC-normalise and lowercase an email; raise InvalidInput if it is not one."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    if len(email) > 320 or not _EMAIL.match(email) or ".." in email.split("@", 1)[1]:
        raise InvalidInput("Enter a valid email address.", field="email")
    return email


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse passwords that are too short, too long, or easy to guess (zxcvbn score below 3).

    zxcvbn (a maintained port of Dropbox's estimator) knows common passwords, names, words,
    keyboard walks, l33t substitutions, dates and repeats, and is told the account's own details,
    so `Passw0rd!` and `coachcoach` are refused while a passphrase of a few words passes.
    It costs up to ~0.1 s on a 128-character password: callers run it off the event loop.
    """
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"Password must be at least {PASSWORD_MIN} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"Password must be at most {PASSWORD_MAX} characters.", field="password")
    folded = password.casefold()
    local = email.split("@", 1)[0].casefold()
    if (local and len(local) >= 4 and folded == local) or (name and folded == name.casefold()):
        raise InvalidInput("Password must not be your email or name.", field="password")
    names = name.casefold().split()
    joined = ("".join(c for c in local if c.isalnum()), "".join(names))
    hints = [part for part in (local, *email.split("@", 1)[1:], *names, *joined) if part]
    result = zxcvbn(password, user_inputs=[*hints, *_SITE_WORDS], max_length=PASSWORD_MAX)
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        advice = " ".join(
            part.strip()
            for part in (feedback["warning"], *feedback["suggestions"][:1])
            if part and part.strip()
        )
        raise InvalidInput(
            "This password is too common or too easy to guess. "
            + (advice or "A passphrase of four or more unrelated words works well."),
            field="password",
        )


def clean_name(raw: str) -> str:
    """A display name: trimmed, 1-100 characters, no control characters."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name or len(name) > 100 or any(unicodedata.category(c).startswith("C") for c in name):
        raise InvalidInput("Name must be 1 to 100 printable characters.", field="name")
    return name
