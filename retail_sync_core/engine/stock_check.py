"""Stock comparison: a channel's last acknowledged figure against Odoo's current one.

A product is reported when the channel acknowledged a different figure, or never
acknowledged one although it is stocked where the channel sells from. A figure on
its way (a change not pushed yet, a push pending or retried) is not a mismatch yet:
a new one is not reported, an open one is shown as in flight.
"""

AGREE, DIFFERENT, NEVER_ACKNOWLEDGED = "agree", "different", "never_acknowledged"
OPEN, IN_FLIGHT, CORRECTED, RESOLVED = "open", "in_flight", "corrected", "resolved"


def compare(acknowledged, current, expected, digits=3):
    """AGREE, DIFFERENT or NEVER_ACKNOWLEDGED.

    ``acknowledged``: the channel's last acknowledged figure, None if it never
    acknowledged one; ``current``: Odoo's figure now; ``expected``: whether the
    channel should have a figure (the product is stocked at its feeding locations);
    ``digits``: the precision at which two figures are equal."""
    if acknowledged is None:
        return NEVER_ACKNOWLEDGED if expected else AGREE
    return AGREE if round(acknowledged - current, digits) == 0 else DIFFERENT


def next_state(state, finding, in_flight):
    """The state of a product's mismatch after a comparison, None for no mismatch.

    ``state``: its unresolved mismatch's state, None when there is none."""
    if finding == AGREE:
        return RESOLVED if state else None
    if in_flight:
        # Not a mismatch yet: an open one waits for the push, a corrected one
        # for its acknowledgement.
        return IN_FLIGHT if state == OPEN else state
    # Still different with nothing on its way (a corrective push that landed with
    # an old figure, or went dead, included).
    return OPEN


def same_detail(channel_detail, odoo_detail, digits=3):
    """Whether two {part: figure} breakdowns (figures per location) agree: a
    part missing on one side counts as 0."""
    parts = set(channel_detail) | set(odoo_detail)
    return all(
        round((channel_detail.get(p) or 0.0) - (odoo_detail.get(p) or 0.0), digits) == 0
        for p in parts
    )
