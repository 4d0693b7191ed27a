from retail_sync_engine import circuit
from retail_sync_engine.circuit import CLOSED, HALF_OPEN, OPEN, Circuit


def test_opens_after_threshold_consecutive_failures():
    state = Circuit()
    for n in range(4):
        state = circuit.on_failure(state, now=100.0 + n, threshold=5)
        assert state.state == CLOSED
        assert circuit.allows(state, 100.0 + n)
    state = circuit.on_failure(state, now=110.0, threshold=5, base_cooldown=10)
    assert state.state == OPEN
    assert state.retry_at == 120.0
    assert not circuit.allows(state, 119.9)
    assert circuit.state_at(state, 119.9) == OPEN


def test_probe_after_cooldown_and_backoff_on_failed_probe():
    state = Circuit(OPEN, 5, retry_at=120.0, cooldown=10.0)
    assert circuit.allows(state, 120.0)
    assert circuit.state_at(state, 121.0) == HALF_OPEN
    failed_probe = circuit.on_failure(
        state, now=121.0, base_cooldown=10, max_cooldown=300
    )
    assert failed_probe.state == OPEN
    assert failed_probe.cooldown == 20.0
    assert failed_probe.retry_at == 141.0
    long_open = Circuit(OPEN, 9, retry_at=0.0, cooldown=250.0)
    assert circuit.on_failure(long_open, now=0.0, max_cooldown=300).cooldown == 300.0


def test_success_closes_and_resets():
    state = Circuit(OPEN, 7, retry_at=50.0, cooldown=40.0)
    assert circuit.on_success(state) == Circuit()
    almost = Circuit(CLOSED, 3)
    assert circuit.on_success(almost).failures == 0
