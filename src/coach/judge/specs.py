"""Loading the judge specs shipped beside the question bank (`coach/bank/judge/<id>.toml`)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from coach.domain.judge.spec import JudgeSpec, decode_spec


@cache
def load_specs() -> dict[str, JudgeSpec]:
    """Every judge spec by question id (read once per process)."""
    specs: dict[str, JudgeSpec] = {}
    folder = resources.files("coach.bank").joinpath("judge")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            spec = decode_spec(item.read_bytes(), item.name)
            if item.name != f"{spec.id}.toml":
                raise ValueError(f"{item.name} holds the spec of {spec.id}")
            specs[spec.id] = spec
    return specs


def spec_for(question_id: str) -> JudgeSpec | None:
    """The judge spec of one question, or None when it has no tests yet."""
    return load_specs().get(question_id)
