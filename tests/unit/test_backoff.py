import email.utils

import pytest
from retail_sync_engine import backoff


def fixed(value):
    return lambda: value


@pytest.mark.parametrize(
    ("attempt", "expected"), [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (6, 60.0)]
)
def test_retry_delay_doubles_up_to_the_cap_without_jitter(attempt, expected):
    assert backoff.retry_delay(attempt, 2, 60, jitter=0) == expected


def test_retry_delay_treats_attempt_below_one_as_one():
    assert backoff.retry_delay(0, 5, 100, jitter=0) == 5.0
    assert backoff.retry_delay(-3, 5, 100, jitter=0) == 5.0


def test_retry_delay_survives_huge_attempt_numbers():
    assert backoff.retry_delay(100_000, 1, 3600, jitter=0) == 3600.0


def test_jitter_scales_uniformly_between_its_bounds():
    assert backoff.retry_delay(3, 1, 100, jitter=0.25, rand=fixed(0.0)) == 3.0
    assert backoff.retry_delay(3, 1, 100, jitter=0.25, rand=fixed(0.5)) == 4.0
    assert backoff.retry_delay(3, 1, 100, jitter=0.25, rand=fixed(0.75)) == 4.5


def test_default_jitter_is_twenty_percent():
    assert backoff.retry_delay(1, 10, 100, rand=fixed(0.0)) == pytest.approx(8.0)


def test_jitter_never_exceeds_cap_times_one_plus_jitter():
    assert backoff.retry_delay(20, 1, 60, jitter=0.2, rand=fixed(0.999999)) <= 72.0
    # Even a rand() that breaks its contract cannot push past the bound or below 0.
    assert backoff.retry_delay(20, 1, 60, jitter=0.2, rand=fixed(5.0)) == 72.0
    assert backoff.retry_delay(20, 1, 60, jitter=0.2, rand=fixed(-5.0)) == 0.0


def test_retry_delay_is_never_negative():
    assert backoff.retry_delay(1, 10, 100, jitter=1.5, rand=fixed(0.0)) == 0.0


NOW = 1_700_000_000.0


def test_retry_after_delta_seconds():
    assert backoff.retry_after_seconds("120", NOW) == 120.0
    assert backoff.retry_after_seconds("  0 ", NOW) == 0.0
    assert backoff.retry_after_seconds(b"7", NOW) == 7.0


def test_retry_after_http_date_is_relative_to_now():
    header = email.utils.formatdate(NOW + 90, usegmt=True)
    assert backoff.retry_after_seconds(header, NOW) == 90.0


def test_retry_after_date_in_the_past_gives_zero():
    header = email.utils.formatdate(NOW - 300, usegmt=True)
    assert backoff.retry_after_seconds(header, NOW) == 0.0


def test_retry_after_date_with_minus_zero_zone_is_utc():
    header = email.utils.formatdate(NOW + 30).replace("+0000", "-0000")
    assert header.endswith("-0000")
    assert backoff.retry_after_seconds(header, NOW) == 30.0


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "-5", "1.5", "Mon, 99"])
def test_retry_after_missing_or_unparsable_is_none(value):
    assert backoff.retry_after_seconds(value, NOW) is None
