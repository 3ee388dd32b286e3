"""The bank-wide rules `coach bank check` adds to each question's own: families, duplicates, judge entry points."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from coach.domain.bank import BankQuestion, Family
from coach.domain.bank_similarity import DUPLICATE_AT, similar_pairs
from coach.domain.judge.spec import JudgeSpec
from coach.domain.kinds import QUESTION_TYPES


def bank_wide_problems(
    questions: Sequence[BankQuestion], families: Sequence[Family], specs: Mapping[str, JudgeSpec]
) -> list[str]:
    """Every bank-wide rule broken, as readable lines."""
    known = {f.id for f in families}
    repeated = Counter(f.id for f in families)
    found = [f"families: {fid} is listed {n} times" for fid, n in repeated.items() if n > 1]
    for q in questions:
        if not q.family:
            found.append(f"{q.id}: no topic family")
        elif q.family not in known:
            found.append(f"{q.id}: family {q.family!r} is not in bank/meta/families.toml")
        if not q.level_note.strip():
            found.append(f"{q.id}: no level_note saying why it is {q.difficulty}")
    found.extend(
        f"{a} and {b}: near-duplicates (title and prompt {score:.2f} alike, limit {DUPLICATE_AT})"
        for score, a, b in similar_pairs(questions)
    )
    # Two live coding questions with one entry point are one problem under two ids.
    owners: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        spec = specs.get(q.id)
        if q.retired or spec is None or "python" not in spec.entry:
            continue
        entry = spec.entry["python"]
        # A class is named for its role (RateLimiter); its methods tell two problems apart.
        key = entry.name or f"{entry.class_name}({', '.join(sorted(entry.methods.values()))})"
        owners[key].append(q.id)
    found.extend(
        f"{', '.join(ids)}: one entry point {name!r} for several questions"
        for name, ids in owners.items()
        if len(ids) > 1
    )
    return found


def family_table(questions: Sequence[BankQuestion]) -> str:
    """Live questions per topic family (rows, most first) and type (columns)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(QUESTION_TYPES, 0))
    for q in questions:
        if not q.retired:
            counts[q.family or "(none)"][q.type] += 1
    header = ["family", *QUESTION_TYPES, "total"]
    rows = [
        [family, *(str(by_type[t]) for t in QUESTION_TYPES), str(sum(by_type.values()))]
        for family, by_type in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
