# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

DIRTY = "retail_sync.ats_dirty"


class RetailSyncPushPending(models.Model):
    """Products whose available-to-sell figure a channel has not received yet.

    Written (insert only, so stock transactions never wait on a push in flight) by
    every stock change at a location feeding the channel; consumed by the channel's
    push job, which computes the figures fresh and deletes the rows once delivered.
    While a channel is down the rows wait: nothing is lost, and when it is back it
    gets the latest values."""

    _name = "retail.sync.push.pending"
    _description = "Retail Sync: available-to-sell figure to push"
    _log_access = False
    _order = "id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    create_date = fields.Datetime(default=fields.Datetime.now)

    @api.model
    def _mark(self, product, location):
        """Remember that ``product`` changed at ``location`` in this transaction."""
        if location.usage != "internal" or not product:
            return
        precommit = self.env.cr.precommit
        if DIRTY not in precommit.data:
            precommit.data[DIRTY] = set()
            precommit.add(self._flush_marks)
        precommit.data[DIRTY].add((product.id, location.parent_path))

    @api.model
    def _flush_marks(self):
        """Before commit: one row per (subscribed channel, product), one push job per
        channel, in the same transaction as the stock change."""
        dirty = self.env.cr.precommit.data.get(DIRTY) or set()
        subscriptions = self.env["retail.sync.channel"]._ats_subscriptions()
        rows = set()
        for product_id, path in dirty:
            ancestors = set((path or "").split("/"))
            for channel_id, feeds in subscriptions:
                if feeds & ancestors:
                    rows.add((channel_id, product_id))
        if not rows:
            return
        self._queue(rows)
        self.env.flush_all()

    @api.model
    def _queue(self, rows):
        """Queue (channel id, product id) rows for a push."""
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s)", channel_id, product_id)
            for channel_id, product_id in sorted(rows)
        )
        self._insert(SQL("VALUES %s", values), {c for c, _p in rows})

    @api.model
    def _queue_stocked(self, channel):
        """Queue every product stocked at the channel's feeding locations."""
        self._insert(
            SQL(
                "SELECT %s, stocked.product_id FROM (%s) stocked",
                channel.id,
                channel._stocked_products_query(),
            ),
            {channel.id},
        )

    @api.model
    def _insert(self, rows_query, channel_ids):
        """The one writer of pending pushes: insert the (channel id, product id)
        rows ``rows_query`` selects and enqueue each channel's push job, in the
        current transaction; the push job computes the figures fresh."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_push_pending (channel_id, product_id,
                                                      create_date)
                SELECT r.channel_id, r.product_id, now() at time zone 'UTC'
                  FROM (%s) AS r(channel_id, product_id)
                """,
                rows_query,
            )
        )
        channels = self.env["retail.sync.channel"].browse(sorted(channel_ids))
        pushed_at_commit = channels._push_after_commit()
        for channel in channels:
            channel._enqueue_push(safety_net=pushed_at_commit)
