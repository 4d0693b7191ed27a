"""Figures of the operations overview: latency percentiles from histogram buckets,
rates, ages and the health of a channel.

Latency is kept per minute as a histogram (counts per bucket), so percentiles over any
window are computed from summed buckets without reading the events. Bucket ``i`` holds
latencies in ``(LATENCY_BOUNDS_MS[i - 1], LATENCY_BOUNDS_MS[i]]``; the last bucket is
open-ended. The default latency targets (2 s, 5 min) are bounds, so whether a p95
exceeds them is exact, not estimated.
"""

import bisect
from dataclasses import dataclass, field
from datetime import datetime

LATENCY_BOUNDS_MS = (
    100,
    250,
    500,
    1_000,
    2_000,
    3_000,
    5_000,
    10_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    1_800_000,
    3_600_000,
)
BUCKET_COUNT = len(LATENCY_BOUNDS_MS) + 1

# The overview's windows, in minutes: events per minute over both, latency and
# failure figures over the long one.
SHORT_WINDOW, LONG_WINDOW = 5, 15

OK, WARNING, BREACH, DOWN = "ok", "warning", "breach", "down"
HEALTH_RANK = {OK: 0, WARNING: 1, BREACH: 2, DOWN: 3}


def bucket_index(latency_ms):
    """The histogram bucket of a latency (upper bounds inclusive)."""
    return bisect.bisect_left(LATENCY_BOUNDS_MS, latency_ms)


def bucket_name(index):
    """Column name of bucket ``index``: latency_le_2000ms ... latency_over_3600000ms."""
    if index < len(LATENCY_BOUNDS_MS):
        return f"latency_le_{LATENCY_BOUNDS_MS[index]}ms"
    return f"latency_over_{LATENCY_BOUNDS_MS[-1]}ms"


def percentile(counts, fraction, max_ms=None):
    """Estimated latency (ms) under which ``fraction`` of the events fall, or None.

    Interpolates linearly inside the bucket where the rank falls; never above the
    largest latency seen (``max_ms``), which also closes the open-ended last bucket.
    """
    total = sum(counts)
    if not total:
        return None
    rank = fraction * total
    seen = 0
    for index, count in enumerate(counts):
        if count and seen + count >= rank:
            lower = LATENCY_BOUNDS_MS[index - 1] if index else 0
            if index < len(LATENCY_BOUNDS_MS):
                upper = LATENCY_BOUNDS_MS[index]
            else:
                upper = max(lower, max_ms or lower)
            value = lower + (upper - lower) * max(rank - seen, 0) / count
            if max_ms is not None:
                value = min(value, max_ms)
            return round(value)
        seen += count
    return max_ms


def ratio(part, whole):
    """part / whole as a percentage, 0 when there is nothing to divide."""
    return round(100.0 * part / whole, 2) if whole else 0.0


def format_age(seconds):
    """A short human age: '40 s', '12 min', '3 h 05', '2 d 4 h'; '' when unknown."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def format_ms(value):
    """A latency for people: '850 ms', '2.4 s', '5.0 min'; '' when unknown."""
    if value is None:
        return ""
    if value < 1_000:
        return f"{int(value)} ms"
    if value < 120_000:
        return f"{value / 1000:.1f} s"
    return f"{value / 60_000:.1f} min"


@dataclass
class Figures:
    """What the overview shows for a channel and domain (or a whole channel).

    Live counts come from the inbox (pending states); windowed counts and the
    latency histogram from the per-minute statistics."""

    queue_depth: int = 0  # received, queued, failed (retrying), blocked
    retrying: int = 0  # failed, will retry
    dead: int = 0
    # Waiting for another entity (a refund for its payment): not in the queue depth
    # nor the oldest waiting, as they wait on purpose, up to their domain's limit.
    dependency_waits: int = 0
    oldest_pending_at: datetime | None = None  # reception of the oldest waiting event
    received_short: int = 0  # events received in the short window
    received: int = 0  # events received in the long window
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    duplicates: int = 0
    latency_max_ms: int | None = None
    histogram: list = field(default_factory=lambda: [0] * BUCKET_COUNT)

    def add(self, other):
        """Add ``other``'s counts to these (a channel's total over its domains)."""
        for name in (
            "queue_depth",
            "retrying",
            "dead",
            "dependency_waits",
            "received_short",
            "received",
            "applied",
            "failed",
            "skipped",
            "duplicates",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.oldest_pending_at = _min(self.oldest_pending_at, other.oldest_pending_at)
        self.latency_max_ms = _max(self.latency_max_ms, other.latency_max_ms)
        self.histogram = [
            a + b for a, b in zip(self.histogram, other.histogram, strict=True)
        ]
        return self

    def p50(self):
        return percentile(self.histogram, 0.50, self.latency_max_ms)

    def p95(self):
        return percentile(self.histogram, 0.95, self.latency_max_ms)

    def failure_rate(self):
        """Failed (or dead) among the events handled in the window, in percent."""
        return ratio(self.failed, self.applied + self.failed + self.skipped)

    def duplicate_rate(self):
        """Deliveries of an event already received, among all deliveries, in percent."""
        return ratio(self.duplicates, self.received + self.duplicates)

    def oldest_pending_seconds(self, now):
        if self.oldest_pending_at is None:
            return None
        return max(0.0, (now - self.oldest_pending_at).total_seconds())

    def events_per_minute(self):
        """(over the short window, over the long window)"""
        return self.received_short / SHORT_WINDOW, self.received / LONG_WINDOW


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)


def domain_health(figures, target_ms, now):
    """ok, warning or breach for one domain of a channel.

    breach: p95 above the target, or dead letters waiting. warning: events failed or
    wait to be retried, or the oldest waiting event is older than the target."""
    p95 = figures.p95()
    if figures.dead or (target_ms and p95 is not None and p95 > target_ms):
        return BREACH
    waiting = figures.oldest_pending_seconds(now)
    if (
        figures.retrying
        or figures.failed
        or (target_ms and waiting is not None and waiting * 1000 > target_ms)
    ):
        return WARNING
    return OK


def is_silent(silent_seconds, quiet_period_minutes):
    """Whether a channel was quiet longer than its quiet period (0: never silent)."""
    return bool(
        quiet_period_minutes
        and silent_seconds is not None
        and silent_seconds > quiet_period_minutes * 60
    )


def channel_health(domain_states, circuit_state, silent):
    """A channel's health: down when its push endpoint's circuit is open or it was
    silent longer than its quiet period, else the worst of its domains (a circuit
    probing again, half-open, is at least a warning)."""
    if circuit_state == "open" or silent:
        return DOWN
    states = [*domain_states, WARNING if circuit_state == "half_open" else OK]
    return max(states, key=HEALTH_RANK.__getitem__)


def worst_latency(rows):
    """The (domain, p95, target) of ``rows`` furthest above (or closest to) its
    target, by p95 / target; None when no row has a p95."""
    measured = [(d, p, t) for d, p, t in rows if p is not None and t]
    if not measured:
        return None
    return max(measured, key=lambda row: row[1] / row[2])
