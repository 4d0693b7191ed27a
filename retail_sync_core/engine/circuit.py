"""Circuit breaker of one delivery endpoint: stop hammering a dead channel, probe it.

closed: deliveries go out. After ``threshold`` consecutive failures it opens for a
cooldown that doubles on each failed probe (up to ``max_cooldown``). When the cooldown
is over one delivery goes out as a probe (half-open): success closes the circuit,
failure opens it again.
"""

from dataclasses import dataclass, replace

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(frozen=True)
class Circuit:
    state: str = CLOSED
    failures: int = 0
    retry_at: float = 0.0
    cooldown: float = 0.0


def allows(circuit, now):
    """Whether a delivery may go out now (a probe when the cooldown is over)."""
    return circuit.state == CLOSED or now >= circuit.retry_at


def on_success(circuit):
    return Circuit()


def on_failure(circuit, now, threshold=5, base_cooldown=10.0, max_cooldown=60.0):
    failures = circuit.failures + 1
    if circuit.state == CLOSED and failures < threshold:
        return replace(circuit, failures=failures)
    if circuit.state == CLOSED:
        cooldown = base_cooldown
    else:  # a failed probe
        cooldown = min(max_cooldown, max(base_cooldown, circuit.cooldown * 2))
    return Circuit(OPEN, failures, now + cooldown, cooldown)


def state_at(circuit, now):
    """The state to show: an open circuit whose cooldown is over is half-open."""
    if circuit.state == OPEN and now >= circuit.retry_at:
        return HALF_OPEN
    return circuit.state
