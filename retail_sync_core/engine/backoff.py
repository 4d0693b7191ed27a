"""Retry delays for outbound deliveries: exponential backoff and Retry-After.

Jitter spreads retries of many failed deliveries over time, so a receiver coming
back up is not hit by all of them in the same second.
"""

import random
import re
from datetime import UTC
from email.utils import parsedate_to_datetime

_DELTA_SECONDS = re.compile(r"[0-9]+")


def retry_delay(attempt, base_seconds, max_seconds, jitter=0.2, rand=random.random):
    """Seconds to wait before retry number ``attempt`` (1-based).

    ``base_seconds * 2 ** (attempt - 1)`` capped at ``max_seconds``, then scaled by
    a factor drawn uniformly from ``[1 - jitter, 1 + jitter]`` with ``rand()``.
    """
    attempt = max(int(attempt), 1)
    max_seconds = max(float(max_seconds), 0.0)
    jitter = max(float(jitter), 0.0)
    try:
        raw = min(max_seconds, base_seconds * 2.0 ** (attempt - 1))
    except OverflowError:  # a huge attempt number: the cap applies anyway
        raw = max_seconds
    factor = 1.0 - jitter + 2.0 * jitter * rand()
    # Clamp so a misbehaving ``rand`` (outside [0, 1)) cannot break the bounds.
    return min(max(raw * factor, 0.0), max_seconds * (1.0 + jitter))


def retry_after_seconds(header_value, now):
    """Seconds from ``now`` (unix time) that a Retry-After header asks to wait.

    Accepts delta-seconds or an HTTP-date; never negative; None when the header
    is missing or unparsable.
    """
    if header_value is None:
        return None
    if isinstance(header_value, bytes):
        header_value = header_value.decode("latin-1")
    value = str(header_value).strip()
    if not value:
        return None
    if _DELTA_SECONDS.fullmatch(value):
        try:
            return float(int(value))
        except OverflowError:
            return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000" zone: HTTP dates are always UTC
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now, 0.0)
