# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import SUPERUSER_ID, api, models
from odoo.tools import SQL

WAITING_STATES = ("wait_dependencies", "pending", "enqueued")


class RetailSyncJob(models.AbstractModel):
    """Enqueue a job at most once while it waits, without stranding new work.

    queue_job's identity_key dedupes against a waiting job. Odoo transactions are
    repeatable read: a waiting job may already hold a snapshot without the rows this
    transaction is writing. So when one waits, a short *tail* job (itself deduped)
    follows it and picks those rows up."""

    _name = "retail.sync.job"
    _description = "Retail Sync job enqueueing"

    @api.model
    def _waiting_suffixes(self, identity):
        self.env.cr.execute(
            SQL(
                "SELECT identity_key FROM queue_job WHERE identity_key IN %s "
                "AND state IN %s",
                (identity, identity + ":tail"),
                WAITING_STATES,
            )
        )
        return {row[0][len(identity) :] for row in self.env.cr.fetchall()}

    @api.model
    def _enqueue_once(
        self, records, method, identity, channel, priority, description, **options
    ):
        """Enqueue ``records.method(*args)`` unless it (and its tail) already waits."""
        waiting = self._waiting_suffixes(identity)
        if "" not in waiting:
            return self._enqueue(
                records, method, identity, channel, priority, description, **options
            )
        if ":tail" not in waiting:
            return self._enqueue(
                records,
                method,
                identity + ":tail",
                channel,
                priority,
                description,
                eta=timedelta(seconds=1),
                **options,
            )
        return None

    @api.model
    def _enqueue(
        self,
        records,
        method,
        identity,
        channel,
        priority,
        description,
        eta=None,
        args=(),
        max_retries=None,
    ):
        delayable = records.with_user(SUPERUSER_ID).with_delay(
            channel=channel,
            priority=priority,
            eta=eta,
            identity_key=identity,
            description=description,
            max_retries=max_retries,
        )
        return getattr(delayable, method)(*args)
