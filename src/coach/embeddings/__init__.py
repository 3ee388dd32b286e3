"""Sentence embeddings for the grader, from a model shipped in a registry package (no download)."""
