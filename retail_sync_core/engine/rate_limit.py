"""Token bucket whose state (tokens, updated_at) lives in a database row.

The caller reads the row, calls :func:`take`, and writes back ``tokens`` with
``updated_at = now``; keeping this function pure lets every worker share one bucket
through the row lock.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class BucketDecision:
    """Outcome of :func:`take`.

    ``tokens`` is the count to store; ``retry_after`` is the number of seconds until
    the request could pass (0.0 when it was allowed).
    """

    allowed: bool
    tokens: float
    retry_after: float


def take(tokens, updated_at, now, rate, burst, n=1):
    """Try to take ``n`` tokens from a bucket refilled at ``rate`` per second.

    A bucket without stored tokens starts full (``burst``); without ``updated_at``
    it gets no refill. ``rate <= 0`` disables the limit.
    """
    if n < 0:
        raise ValueError(f"cannot take a negative number of tokens: {n!r}")
    burst = max(float(burst), 0.0)
    if rate <= 0:
        return BucketDecision(allowed=True, tokens=burst, retry_after=0.0)
    if tokens is None:
        available = burst
    else:
        # A clock that went backwards must not mint tokens.
        elapsed = 0.0 if updated_at is None else max(now - updated_at, 0.0)
        available = min(max(float(tokens), 0.0) + elapsed * rate, burst)
    if n > burst:
        # Can never pass; still give the client a finite wait to back off with.
        return BucketDecision(allowed=False, tokens=available, retry_after=n / rate)
    if n <= available:
        return BucketDecision(allowed=True, tokens=available - n, retry_after=0.0)
    return BucketDecision(
        allowed=False, tokens=available, retry_after=(n - available) / rate
    )
