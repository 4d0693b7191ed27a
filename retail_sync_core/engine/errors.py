"""Errors a handler raises to say how its event should end.

RetryableError: try again later (a timeout, a lock, a channel down); retried with
backoff up to the contract's attempts. PermanentError: retrying cannot help (a business
rule, bad data); the event goes straight to dead with the message for the operator.
WaitingError: the event depends on another entity that is not applied yet (a refund on
its payment); it waits, holding its key, until that entity releases it.
"""


class RetryableError(Exception):
    """Transient: the event is retried with backoff."""


class PermanentError(Exception):
    """Will never succeed as is: the event goes to dead at once."""


class MissingBindingError(PermanentError):
    """An external reference has no binding on the channel: map it, then replay."""

    def __init__(self, channel_code, kind, reference):
        self.channel_code = channel_code
        self.kind = kind
        self.reference = reference
        super().__init__(
            f"no {kind} is mapped to {reference!r} on channel {channel_code}: add a "
            f"binding under Retail Sync > Configuration > Bindings, then replay"
        )


class WaitingError(Exception):
    """The event depends on another entity not applied yet: it waits, visibly, holding
    its ordering key, until the drain's ``_release_waiting`` is called with
    ``dependency`` (in the transaction where the entity is applied), or the domain's
    wait runs out and it becomes a dead letter.

    ``dependency`` is a token, "<kind>:<channel id>:<reference>" by convention
    ("payment:3:PAY-123"); ``reason`` is what operators read ("waiting for payment
    PAY-123")."""

    def __init__(self, dependency, reason):
        self.dependency = dependency
        self.reason = reason
        super().__init__(reason)
