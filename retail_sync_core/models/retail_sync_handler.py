# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import api, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from ..engine.errors import PermanentError, RetryableError

RETRYABLE = "retryable"
PERMANENT = "permanent"


class RetailSyncHandler(models.AbstractModel):
    """How the events of one contract are applied: the extension point of a domain.

    An addon adds an event type with a contract file naming its handler, and one
    model inheriting this one. The drain calls ``_apply`` with the events to apply,
    in order per ordering key, inside a savepoint; it records what comes back, and
    what is raised according to ``_classify_error``. A handler never writes the
    event's state: the drain does."""

    _name = "retail.sync.handler"
    _description = "Retail Sync Event Handler"

    # Whether _apply takes the runs of many keys in one call. The drain then hands
    # it every waiting event it can (one stock update for the sales of every store)
    # and, if the call raises, applies the events one by one, which isolates the
    # bad one. Otherwise _apply gets one event at a time.
    _apply_in_batches = False

    @api.model
    def _apply(self, events):
        """Apply ``events`` (retail.sync.event records); return {event id: result},
        each result a JSON-able dict shown on the event form."""
        return {event.id: self._apply_one(event) or {} for event in events}

    @api.model
    def _apply_one(self, event):
        """Apply one event; return what to report (a JSON-able dict)."""
        raise PermanentError(f"{self._name} does not apply {event.event_type} events")

    @api.model
    def _classify_error(self, exc):
        """RETRYABLE or PERMANENT for an exception ``_apply`` raised."""
        if isinstance(exc, RetryableError | psycopg2.OperationalError | TimeoutError):
            return RETRYABLE
        if isinstance(
            exc,
            PermanentError | ValidationError | UserError | AccessError | MissingError,
        ):
            return PERMANENT
        # Unknown errors (a bug, a network hiccup) are retried, capped by the
        # contract's attempts, so a transient one heals and a lasting one ends dead.
        return RETRYABLE
