from datetime import datetime, timedelta

from retail_sync_engine import overview
from retail_sync_engine.overview import BREACH, DOWN, OK, WARNING, Figures

NOW = datetime(2026, 11, 27, 12, 0, 0)


def histogram(*latencies):
    counts = [0] * overview.BUCKET_COUNT
    for latency in latencies:
        counts[overview.bucket_index(latency)] += 1
    return counts


def test_bucket_upper_bounds_are_inclusive():
    assert overview.bucket_index(0) == 0
    assert overview.bucket_index(100) == 0
    assert overview.bucket_index(101) == 1
    assert overview.bucket_index(2_000) == 4
    assert overview.bucket_index(2_001) == 5
    assert overview.bucket_index(10**9) == overview.BUCKET_COUNT - 1
    assert overview.bucket_name(4) == "latency_le_2000ms"
    assert overview.bucket_name(overview.BUCKET_COUNT - 1) == "latency_over_3600000ms"


def test_percentile_interpolates_within_its_bucket_and_respects_the_max():
    assert overview.percentile([0] * overview.BUCKET_COUNT, 0.5) is None
    # 100 events at 600..1000 ms: all in (500, 1000]; p50 half way in the bucket.
    counts = histogram(*range(600, 1000, 4))
    assert overview.percentile(counts, 0.5, max_ms=996) == 750
    assert overview.percentile(counts, 0.95, max_ms=996) == 975
    # A single event is never reported above what was measured.
    assert overview.percentile(histogram(150), 0.95, max_ms=150) == 150
    # The open-ended last bucket closes at the largest latency seen.
    assert overview.percentile(histogram(5_000_000), 0.5, max_ms=5_000_000) > 3_600_000


def test_p95_against_a_target_on_a_bound_is_exact():
    within = Figures(histogram=histogram(*[2_000] * 100), latency_max_ms=2_000)
    assert within.p95() <= 2_000
    # 6 of 100 events above 2 s put the p95 above it.
    above = Figures(
        histogram=histogram(*([500] * 94 + [2_500] * 6)), latency_max_ms=2_500
    )
    assert above.p95() > 2_000
    assert above.p50() <= 500


def test_rates():
    figures = Figures(received=90, applied=95, failed=5, duplicates=10)
    assert figures.failure_rate() == 5.0
    assert figures.duplicate_rate() == 10.0
    assert Figures().failure_rate() == 0.0
    assert Figures(received_short=10, received=30).events_per_minute() == (2.0, 2.0)


def test_add_sums_counts_and_keeps_oldest_and_largest():
    first = Figures(
        queue_depth=2,
        dead=1,
        oldest_pending_at=NOW - timedelta(minutes=3),
        latency_max_ms=800,
        histogram=histogram(800),
    )
    second = Figures(
        queue_depth=5,
        oldest_pending_at=NOW - timedelta(minutes=9),
        latency_max_ms=300,
        histogram=histogram(300),
    )
    total = Figures().add(first).add(second)
    assert (total.queue_depth, total.dead) == (7, 1)
    assert total.oldest_pending_seconds(NOW) == 540
    assert total.latency_max_ms == 800
    assert sum(total.histogram) == 2


def test_domain_health():
    target = 2_000
    assert overview.domain_health(Figures(), target, NOW) == OK
    slow = Figures(histogram=histogram(5_000), latency_max_ms=5_000)
    assert overview.domain_health(slow, target, NOW) == BREACH
    assert overview.domain_health(Figures(dead=1), target, NOW) == BREACH
    assert overview.domain_health(Figures(retrying=1), target, NOW) == WARNING
    assert overview.domain_health(Figures(failed=1), target, NOW) == WARNING
    late = Figures(queue_depth=1, oldest_pending_at=NOW - timedelta(seconds=3))
    assert overview.domain_health(late, target, NOW) == WARNING
    fresh = Figures(queue_depth=1, oldest_pending_at=NOW - timedelta(seconds=1))
    assert overview.domain_health(fresh, target, NOW) == OK
    # A domain without target (system) is judged on failures only.
    assert overview.domain_health(slow, None, NOW) == OK


def test_channel_health_and_silence():
    assert overview.channel_health([OK, OK], "closed", silent=False) == OK
    assert overview.channel_health([OK, WARNING], "closed", silent=False) == WARNING
    assert overview.channel_health([BREACH, WARNING], "closed", silent=False) == BREACH
    assert overview.channel_health([], "half_open", silent=False) == WARNING
    assert overview.channel_health([OK], "open", silent=False) == DOWN
    assert overview.channel_health([OK], "closed", silent=True) == DOWN
    assert overview.is_silent(3_601, 60)
    assert not overview.is_silent(3_600, 60)
    assert not overview.is_silent(10**6, 0)
    assert not overview.is_silent(None, 60)


def test_worst_latency_is_the_furthest_above_its_target():
    rows = [("inventory", 1_500, 2_000), ("catalog", 200_000, 300_000)]
    assert overview.worst_latency(rows) == ("inventory", 1_500, 2_000)
    rows.append(("orders", 2_500, 2_000))
    assert overview.worst_latency(rows)[0] == "orders"
    assert (
        overview.worst_latency([("system", 10, None), ("orders", None, 2_000)]) is None
    )


def test_formats():
    assert overview.format_age(None) == ""
    assert overview.format_age(45) == "45 s"
    assert overview.format_age(12 * 60 + 5) == "12 min"
    assert overview.format_age(3 * 3600 + 5 * 60) == "3 h 05"
    assert overview.format_age(50 * 3600) == "2 d 2 h"
    assert overview.format_ms(850) == "850 ms"
    assert overview.format_ms(2_400) == "2.4 s"
    assert overview.format_ms(300_000) == "5.0 min"
