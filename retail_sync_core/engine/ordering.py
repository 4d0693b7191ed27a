"""Per-ordering-key decision for the next pending event: apply, skip, or wait.

Events of one key (a product at a store, an order) must apply in sequence. A gap
is waited for, but only up to ``gap_timeout`` so one lost event cannot block a key
forever. Absolute-state events (a stock count) carry the whole truth, so an older
one arriving late is dropped instead of overwriting newer data.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

APPLY = "apply"
SKIP_STALE = "skip_stale"
WAIT_GAP = "wait_gap"
APPLY_AFTER_GAP = "apply_after_gap"
APPLY_LATE = "apply_late"


@dataclass(frozen=True)
class KeyState:
    """What was last applied for a key; ``last_occurred_at`` is unix time."""

    last_sequence: int | None
    last_occurred_at: float | None


@dataclass(frozen=True)
class Candidate:
    """The next pending event of a key; times are unix timestamps."""

    sequence: int | None
    occurred_at: float
    received_at: float
    absolute_state: bool


@dataclass(frozen=True)
class Decision:
    """One of the action constants, why, and how long to wait for WAIT_GAP."""

    action: str
    reason: str = ""
    wait_seconds: float = 0.0


def _iso(timestamp):
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def decide(candidate, state, now, gap_timeout):
    """The :class:`Decision` for ``candidate`` given the key's ``state``."""
    sequence, last = candidate.sequence, state.last_sequence
    comparable = sequence is not None and last is not None
    if candidate.absolute_state:
        if comparable and sequence <= last:
            reason = f"stale: sequence {sequence} <= last applied {last}"
            return Decision(SKIP_STALE, reason)
        if (
            not comparable
            and state.last_occurred_at is not None
            and candidate.occurred_at < state.last_occurred_at
        ):
            return Decision(
                SKIP_STALE,
                f"stale: occurred at {_iso(candidate.occurred_at)}"
                f" < last applied {_iso(state.last_occurred_at)}",
            )
        # The newest count carries the whole truth: missing older ones don't matter.
        return Decision(APPLY)
    if not comparable or sequence == last + 1:
        return Decision(APPLY)
    if sequence <= last:
        reason = f"late: sequence {sequence} after {last} was applied"
        return Decision(APPLY_LATE, reason)
    expected = last + 1
    # A receive time in the future (clock skew) must not stretch the wait.
    waited = max(now - candidate.received_at, 0.0)
    if waited < gap_timeout:
        return Decision(
            WAIT_GAP,
            f"waiting for sequence {expected} (got {sequence})",
            wait_seconds=gap_timeout - waited,
        )
    return Decision(
        APPLY_AFTER_GAP,
        f"sequence gap: expected {expected}, got {sequence}; waited {waited:.0f} s",
    )


def _max_known(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def advance(state, candidate):
    """The key's state after ``candidate`` was applied."""
    return KeyState(
        last_sequence=_max_known(state.last_sequence, candidate.sequence),
        last_occurred_at=_max_known(state.last_occurred_at, candidate.occurred_at),
    )
