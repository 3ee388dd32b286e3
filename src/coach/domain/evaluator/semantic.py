"""The sentence-embedding port the grader matches meaning with, and the vector maths it needs (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from math import fsum
from operator import mul
from typing import Protocol

__all__ = ["Embedder", "Vector", "cosine", "mean_vector"]

Vector = tuple[float, ...]
"""A unit-length sentence embedding."""


class Embedder(Protocol):
    """Turns sentences into unit-length vectors whose dot product measures closeness in meaning."""

    name: str

    def embed(self, texts: Sequence[str]) -> list[Vector]:
        """One unit vector per text, in order."""
        ...


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors (their dot product)."""
    return float(sum(map(mul, a, b)))


def mean_vector(vectors: Sequence[Vector]) -> Vector:
    """The normalised mean of unit vectors: what a group of sentences is about as a whole."""
    if not vectors:
        return ()
    sums = [fsum(column) for column in zip(*vectors, strict=True)]
    norm = fsum(x * x for x in sums) ** 0.5 or 1.0
    return tuple(x / norm for x in sums)
