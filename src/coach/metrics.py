"""Prometheus metrics of one app instance, in its own registry (two apps in one process never clash).

Counters the code bumps directly live on `Metrics`; values read at scrape time (open sockets,
queue depth, the LLM adapter's counters) come from a collector that asks the runtime.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

FEEDBACK_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120, 300)


class Metrics:
    """The instance's own counters and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.messages_in = Counter(
            "coach_socket_messages_in", "Messages received on interview sockets", registry=self.registry
        )
        self.messages_out = Counter(
            "coach_socket_messages_out", "Frames sent on interview sockets", registry=self.registry
        )
        self.feedback_latency = Histogram(
            "coach_feedback_latency_seconds",
            "Seconds from an answer's submission to its stored evaluation",
            buckets=FEEDBACK_BUCKETS,
            registry=self.registry,
        )

        self.snapshot = Snapshot()
        self.registry.register(RuntimeCollector(self.snapshot))


class Snapshot:
    """Values a scrape reads: set by the /metrics handler just before it renders."""

    def __init__(self) -> None:
        self.open_sockets = 0
        self.open_sockets_total = 0
        self.queue_depth = 0
        self.interviewer: Any = None
        self.feedback_seen_until: datetime | None = None
        """Evaluations completed up to here are already in the feedback histogram."""


class RuntimeCollector(Collector):
    """Gauges and LLM counters read at scrape time."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def describe(self) -> Iterable[Any]:
        return []

    def collect(self) -> Iterable[Any]:
        s = self.snapshot
        yield GaugeMetricFamily(
            "coach_open_sockets", "Interview sockets open on this instance", s.open_sockets
        )
        yield GaugeMetricFamily(
            "coach_open_sockets_cluster", "Interview sockets open on all live instances", s.open_sockets_total
        )
        yield GaugeMetricFamily(
            "coach_evaluation_queue_depth", "Evaluations pending or running", s.queue_depth
        )
        llm = s.interviewer
        calls = int(getattr(llm, "calls", 0))
        yield CounterMetricFamily("coach_llm_calls", "LLM calls made by this instance", calls)
        yield CounterMetricFamily("coach_llm_errors", "LLM calls that failed", int(getattr(llm, "errors", 0)))
        yield CounterMetricFamily("coach_llm_retries", "LLM calls retried", int(getattr(llm, "retries", 0)))
        tokens = CounterMetricFamily("coach_llm_tokens", "LLM tokens used", labels=["kind"])
        tokens.add_metric(["prompt"], int(getattr(llm, "prompt_tokens", 0)))
        tokens.add_metric(["completion"], int(getattr(llm, "completion_tokens", 0)))
        yield tokens
        latency = getattr(llm, "last_latency", None)
        yield GaugeMetricFamily(
            "coach_llm_last_latency_seconds",
            "Duration of the most recent LLM call (NaN before the first)",
            float("nan") if latency is None else float(latency),
        )
