"""Reading a candidate's C-family source just enough to see what it declares (comments and strings removed)."""

from __future__ import annotations

import re


def strip_comments(code: str) -> str:
    """The code with // and /* */ comments and string/char literals blanked (newlines kept)."""
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            end = n if j < 0 else j + 2
            out.append("\n" * code.count("\n", i, end))
            i = end
        elif c in "\"'`":
            j = i + 1
            while j < n and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            out.append('""' + "\n" * code.count("\n", i, j))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def declares(code: str, pattern: str) -> bool:
    """Whether the code (outside comments and strings) matches `pattern`."""
    return re.search(pattern, strip_comments(code), re.MULTILINE) is not None
