import pytest
from retail_sync_engine import ordering
from retail_sync_engine.ordering import Candidate, Decision, KeyState

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def cand(sequence, occurred_at=T0, received_at=T0, absolute_state=False):
    return Candidate(sequence, occurred_at, received_at, absolute_state)


def decide(candidate, state, now=T0, gap_timeout=60.0):
    return ordering.decide(candidate, state, now=now, gap_timeout=gap_timeout)


def test_action_constants():
    assert (
        ordering.APPLY,
        ordering.SKIP_STALE,
        ordering.WAIT_GAP,
        ordering.APPLY_AFTER_GAP,
        ordering.APPLY_LATE,
    ) == ("apply", "skip_stale", "wait_gap", "apply_after_gap", "apply_late")


@pytest.mark.parametrize("absolute", [False, True])
def test_first_event_of_a_key_applies_whatever_its_number(absolute):
    state = KeyState(None, None)
    assert decide(cand(42, absolute_state=absolute), state).action == ordering.APPLY


def test_event_without_sequence_applies():
    assert decide(cand(None), KeyState(5, T0)).action == ordering.APPLY


@pytest.mark.parametrize("absolute", [False, True])
def test_next_sequence_applies(absolute):
    decision = decide(cand(8, absolute_state=absolute), KeyState(7, T0))
    assert decision == Decision(ordering.APPLY)


def test_absolute_event_with_old_sequence_is_stale():
    decision = decide(cand(4, absolute_state=True), KeyState(7, T0))
    assert decision.action == ordering.SKIP_STALE
    assert decision.reason == "stale: sequence 4 <= last applied 7"


def test_absolute_event_with_same_sequence_is_stale():
    decision = decide(cand(7, absolute_state=True), KeyState(7, T0))
    assert decision.action == ordering.SKIP_STALE


def test_absolute_event_sequence_wins_over_occurred_at():
    # Newer sequence but an older clock: the sequence decides.
    candidate = cand(8, occurred_at=T0 - 100, absolute_state=True)
    assert decide(candidate, KeyState(7, T0)).action == ordering.APPLY


def test_absolute_event_without_sequence_is_stale_when_older():
    candidate = cand(None, occurred_at=T0 - 60, absolute_state=True)
    decision = decide(candidate, KeyState(7, T0))
    assert decision.action == ordering.SKIP_STALE
    assert "2023-11-14T22:12:20Z" in decision.reason
    assert "2023-11-14T22:13:20Z" in decision.reason


def test_absolute_event_stale_by_time_when_key_has_no_sequence():
    candidate = cand(3, occurred_at=T0 - 1, absolute_state=True)
    decision = decide(candidate, KeyState(None, T0))
    assert decision.action == ordering.SKIP_STALE


def test_absolute_event_without_sequence_applies_when_newer_or_equal():
    state = KeyState(7, T0)
    newer = cand(None, occurred_at=T0 + 1, absolute_state=True)
    same = cand(None, occurred_at=T0, absolute_state=True)
    assert decide(newer, state).action == ordering.APPLY
    assert decide(same, state).action == ordering.APPLY
    assert decide(newer, KeyState(None, None)).action == ordering.APPLY


def test_non_absolute_event_is_never_stale_by_time():
    candidate = cand(None, occurred_at=T0 - 3600)
    assert decide(candidate, KeyState(7, T0)).action == ordering.APPLY


def test_old_sequence_of_non_absolute_event_applies_late():
    decision = decide(cand(3), KeyState(5, T0))
    assert decision.action == ordering.APPLY_LATE
    assert decision.reason == "late: sequence 3 after 5 was applied"
    assert decide(cand(5), KeyState(5, T0)).action == ordering.APPLY_LATE


def test_gap_waits_for_the_missing_sequence():
    candidate = cand(8, received_at=T0)
    decision = decide(candidate, KeyState(5, T0), now=T0 + 20, gap_timeout=60)
    assert decision.action == ordering.WAIT_GAP
    assert decision.wait_seconds == 40.0
    assert decision.reason == "waiting for sequence 6 (got 8)"


def test_gap_applies_once_the_timeout_has_passed():
    candidate = cand(8, received_at=T0)
    decision = decide(candidate, KeyState(5, T0), now=T0 + 60, gap_timeout=60)
    assert decision == Decision(
        ordering.APPLY_AFTER_GAP, "sequence gap: expected 6, got 8; waited 60 s"
    )


def test_absolute_event_with_a_gap_applies_at_once():
    # The newest count is the whole truth: the counts in between are stale anyway.
    candidate = cand(9, received_at=T0, absolute_state=True)
    decision = decide(candidate, KeyState(7, T0), now=T0 + 10, gap_timeout=60)
    assert decision.action == ordering.APPLY


def test_receive_time_in_the_future_does_not_stretch_the_wait():
    candidate = cand(8, received_at=T0 + 500)
    decision = decide(candidate, KeyState(5, T0), now=T0, gap_timeout=60)
    assert decision.action == ordering.WAIT_GAP
    assert decision.wait_seconds == 60.0


def test_zero_gap_timeout_applies_immediately():
    decision = decide(cand(8), KeyState(5, T0), now=T0, gap_timeout=0)
    assert decision.action == ordering.APPLY_AFTER_GAP


def test_advance_keeps_the_maximum_of_each_field():
    state = KeyState(5, T0)
    assert ordering.advance(state, cand(6, occurred_at=T0 + 1)) == KeyState(6, T0 + 1)
    assert ordering.advance(state, cand(3, occurred_at=T0 - 1)) == KeyState(5, T0)
    assert ordering.advance(state, cand(None, occurred_at=T0 + 2)) == KeyState(
        5, T0 + 2
    )


def test_advance_from_an_empty_state():
    assert ordering.advance(KeyState(None, None), cand(4)) == KeyState(4, T0)
    assert ordering.advance(KeyState(None, None), cand(None)) == KeyState(None, T0)
