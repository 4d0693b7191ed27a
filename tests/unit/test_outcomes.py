"""The inbox's outcomes are plain data; only the controller turns them into HTTP."""

from retail_sync_engine import outcomes


def test_stored_outcomes_are_accepted_and_duplicates():
    assert outcomes.EventOutcome(outcomes.ACCEPTED, "e1").stored
    assert outcomes.EventOutcome(outcomes.DUPLICATE, "e1").stored
    for kind in (
        outcomes.CONFLICT,
        outcomes.INVALID,
        outcomes.UNKNOWN_CONTRACT,
        outcomes.NOT_ALLOWED,
    ):
        assert not outcomes.EventOutcome(kind, "e1").stored


def test_reception_counts_outcomes_by_kind():
    reception = outcomes.Reception(
        outcomes=[
            outcomes.EventOutcome(outcomes.ACCEPTED, "a"),
            outcomes.EventOutcome(outcomes.ACCEPTED, "b"),
            outcomes.EventOutcome(outcomes.INVALID, "c"),
        ],
        is_batch=True,
    )
    assert reception.count(outcomes.ACCEPTED) == 2
    assert reception.count(*outcomes.STORED) == 2
    assert reception.refusal is None
