"""Errors a handler raises to say how its event should end.

RetryableError: try again later (a timeout, a lock, a channel down); retried with
backoff up to the contract's attempts. PermanentError: retrying cannot help (a business
rule, bad data); the event goes straight to dead with the message for the operator.
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
