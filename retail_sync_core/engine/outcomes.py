"""What the inbox answers for a request and for each event it carried.

The inbox (``retail.sync.event._receive``) returns a Reception; the HTTP controller maps
it to status codes and bodies, a poller or a test reads it as it is. Nothing here knows
about HTTP.
"""

from dataclasses import dataclass, field

# One event.
ACCEPTED = "accepted"  # stored now, queued to be applied
DUPLICATE = "duplicate"  # the same event was stored before: nothing done
CONFLICT = "conflict"  # the id was stored before with another payload
INVALID = "invalid"  # does not match its contract (problems say where)
UNKNOWN_CONTRACT = "unknown_contract"  # no contract for its type and version
NOT_ALLOWED = "type_not_allowed"  # the channel may not send this contract
STORED = (ACCEPTED, DUPLICATE)

# The whole request, refused before any event is looked at.
BAD_SIGNATURE = "bad_signature"
MALFORMED = "malformed_json"
TOO_DEEP = "too_deep"  # nests deeper than the configured maximum
EMPTY_BATCH = "invalid"
BATCH_TOO_LARGE = "batch_too_large"
RATE_LIMITED = "rate_limited"


@dataclass
class EventOutcome:
    """What became of one event: ``kind`` is one of the event outcomes above."""

    kind: str
    event_id: object = None
    message: str = ""
    state: str | None = None  # the stored event's state, when it is stored
    details: dict = field(default_factory=dict)  # problems, supported versions

    @property
    def stored(self):
        return self.kind in STORED


@dataclass
class Refusal:
    """Why a whole request was refused; nothing of it was stored."""

    kind: str
    message: str
    retry_after: int | None = None
    details: dict = field(default_factory=dict)


@dataclass
class Reception:
    """The answer of the inbox to one request: a refusal, or one outcome per event
    in the order they came. ``is_batch``: the request was an ``{"events": [...]}``
    document (its answer lists every event)."""

    refusal: Refusal | None = None
    outcomes: list = field(default_factory=list)
    is_batch: bool = False
    # Signed with the deprecated X-Retail-Sync-Signature header (answers say so).
    legacy_signature: bool = False

    def count(self, *kinds):
        return sum(outcome.kind in kinds for outcome in self.outcomes)
