import pytest
from retail_sync_engine import rate_limit
from retail_sync_engine.rate_limit import BucketDecision


def test_empty_state_is_a_full_bucket():
    decision = rate_limit.take(None, None, now=100.0, rate=1.0, burst=5.0)
    assert decision == BucketDecision(allowed=True, tokens=4.0, retry_after=0.0)


def test_refills_with_elapsed_time():
    decision = rate_limit.take(1.0, 100.0, now=102.0, rate=1.5, burst=10.0)
    assert decision == BucketDecision(allowed=True, tokens=3.0, retry_after=0.0)


def test_refill_is_capped_at_burst():
    decision = rate_limit.take(2.0, 0.0, now=1000.0, rate=1.0, burst=5.0)
    assert decision == BucketDecision(allowed=True, tokens=4.0, retry_after=0.0)


def test_takes_n_tokens_at_once():
    decision = rate_limit.take(5.0, 100.0, now=100.0, rate=1.0, burst=5.0, n=5)
    assert decision == BucketDecision(allowed=True, tokens=0.0, retry_after=0.0)


def test_denied_keeps_refilled_tokens_and_says_when_to_retry():
    decision = rate_limit.take(0.5, 100.0, now=101.0, rate=0.5, burst=5.0, n=2)
    assert decision == BucketDecision(allowed=False, tokens=1.0, retry_after=2.0)


def test_burst_of_requests_drains_then_is_denied():
    tokens, updated_at = None, None
    results = []
    for _ in range(4):
        decision = rate_limit.take(tokens, updated_at, now=50.0, rate=2.0, burst=3.0)
        results.append(decision.allowed)
        tokens, updated_at = decision.tokens, 50.0
    assert results == [True, True, True, False]
    assert decision.retry_after == 0.5


def test_more_than_burst_never_passes_but_gets_a_finite_retry_after():
    decision = rate_limit.take(None, None, now=0.0, rate=2.0, burst=3.0, n=4)
    assert decision == BucketDecision(allowed=False, tokens=3.0, retry_after=2.0)


def test_rate_zero_or_negative_is_unlimited():
    for rate in (0, -1.0):
        decision = rate_limit.take(0.0, 100.0, now=100.0, rate=rate, burst=7.0, n=50)
        assert decision == BucketDecision(allowed=True, tokens=7.0, retry_after=0.0)


def test_clock_going_backwards_adds_no_tokens():
    decision = rate_limit.take(0.0, 100.0, now=40.0, rate=1.0, burst=5.0)
    assert decision == BucketDecision(allowed=False, tokens=0.0, retry_after=1.0)


def test_stored_tokens_above_a_lowered_burst_are_capped():
    decision = rate_limit.take(50.0, 100.0, now=100.0, rate=1.0, burst=5.0)
    assert decision.tokens == 4.0


def test_missing_updated_at_gives_no_refill():
    decision = rate_limit.take(0.0, None, now=100.0, rate=1.0, burst=5.0)
    assert not decision.allowed


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        rate_limit.take(None, None, now=0.0, rate=1.0, burst=5.0, n=-1)


def test_decision_is_frozen():
    decision = rate_limit.take(None, None, now=0.0, rate=1.0, burst=5.0)
    with pytest.raises(AttributeError):
        decision.allowed = False
