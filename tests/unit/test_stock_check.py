from retail_sync_engine import stock_check
from retail_sync_engine.stock_check import (
    AGREE,
    CORRECTED,
    DIFFERENT,
    IN_FLIGHT,
    NEVER_ACKNOWLEDGED,
    OPEN,
    RESOLVED,
)


def test_compare_figures_at_the_given_precision():
    assert stock_check.compare(10.0, 7.0, expected=True) == DIFFERENT
    assert stock_check.compare(7.0, 7.0004, expected=True, digits=3) == AGREE
    assert stock_check.compare(7.0, 7.002, expected=True, digits=3) == DIFFERENT
    assert stock_check.compare(0.0, 0.0, expected=False) == AGREE


def test_never_acknowledged_only_when_the_channel_should_have_it():
    assert stock_check.compare(None, 5.0, expected=True) == NEVER_ACKNOWLEDGED
    assert stock_check.compare(None, 0.0, expected=True) == NEVER_ACKNOWLEDGED
    assert stock_check.compare(None, 5.0, expected=False) == AGREE


def test_a_difference_opens_a_mismatch_unless_a_push_is_on_its_way():
    assert stock_check.next_state(None, DIFFERENT, in_flight=False) == OPEN
    assert stock_check.next_state(None, NEVER_ACKNOWLEDGED, in_flight=False) == OPEN
    assert stock_check.next_state(None, DIFFERENT, in_flight=True) is None
    assert stock_check.next_state(OPEN, DIFFERENT, in_flight=True) == IN_FLIGHT
    assert stock_check.next_state(IN_FLIGHT, DIFFERENT, in_flight=True) == IN_FLIGHT
    assert stock_check.next_state(CORRECTED, DIFFERENT, in_flight=True) == CORRECTED


def test_still_different_after_the_push_reopens():
    assert stock_check.next_state(IN_FLIGHT, DIFFERENT, in_flight=False) == OPEN
    assert stock_check.next_state(CORRECTED, DIFFERENT, in_flight=False) == OPEN
    assert stock_check.next_state(OPEN, DIFFERENT, in_flight=False) == OPEN


def test_agreement_resolves_and_reports_nothing_new():
    for state in (OPEN, IN_FLIGHT, CORRECTED):
        assert stock_check.next_state(state, AGREE, in_flight=False) == RESOLVED
        assert stock_check.next_state(state, AGREE, in_flight=True) == RESOLVED
    assert stock_check.next_state(None, AGREE, in_flight=False) is None


def test_per_location_detail_agrees_only_location_by_location():
    assert stock_check.same_detail({"a": 3, "b": 2}, {"a": 3.0, "b": 2.0})
    assert not stock_check.same_detail({"a": 4, "b": 1}, {"a": 3, "b": 2})
    assert stock_check.same_detail({"a": 3}, {"a": 3, "b": 0}), "missing counts as 0"
    assert not stock_check.same_detail({"a": 3}, {"a": 3, "b": 1})
    assert stock_check.same_detail({"a": 1.0004}, {"a": 1.0}, digits=3)
