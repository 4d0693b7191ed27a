# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from .retail_sync_customer_resolver import CustomerReviewWait


class RetailSyncDrain(models.AbstractModel):
    _inherit = "retail.sync.drain"

    @api.model
    def _record_wait(self, event, wait):
        """An ambiguous customer also opens its review (once per event): the
        handler's own writes were rolled back with its savepoint."""
        result = super()._record_wait(event, wait)
        if isinstance(wait, CustomerReviewWait):
            self.env["retail.sync.customer.review"]._open_for(
                event,
                wait.customer,
                self.env["res.partner"].browse(wait.candidate_ids),
                token=wait.dependency,
            )
        return result

    @api.model
    def _cron_requeue_stuck_keys(self, older_than_seconds=60):
        return super(
            RetailSyncDrain, self.with_context(retail_sync_requeue_stuck=True)
        )._cron_requeue_stuck_keys(older_than_seconds)

    @api.model
    def _enqueue_key(
        self, channel_id, ordering_key, domain, eta=None, suffix="", once=False
    ):
        """The stuck-keys cron gives a key of a many-keys-per-job domain (customers)
        back to its domain job, not a job of its own: a backlog older than a minute
        is not lost, and thousands of one-key jobs would hold the keys the domain
        job needs (measured: 30 customers/s instead of hundreds). A key with a
        failed event still gets its own drain, which retries it."""
        if (
            self.env.context.get("retail_sync_requeue_stuck")
            and not eta
            and not suffix
            and self._drains_many_keys(domain)
            and not self._key_has_failed(channel_id, ordering_key)
        ):
            return self._enqueue_domain(domain)
        return super()._enqueue_key(
            channel_id, ordering_key, domain, eta=eta, suffix=suffix, once=once
        )

    @api.model
    def _key_has_failed(self, channel_id, ordering_key):
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM retail_sync_event WHERE channel_id = %s"
                " AND ordering_key = %s AND state = 'failed' LIMIT 1",
                channel_id,
                ordering_key,
            )
        )
        return bool(self.env.cr.fetchone())
