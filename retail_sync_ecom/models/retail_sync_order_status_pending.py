# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

CHANGED = "retail_sync.order_status_changed"


class RetailSyncOrderStatusPending(models.Model):
    """Web orders whose status their storefront has not received yet.

    Inserted (insert only: a warehouse user validating a delivery never waits on a
    push in flight) just before the commit of any change a customer sees, one row
    per order and transaction; consumed by the storefront channel's status push
    job, which computes each order's status fresh, so many changes before a push
    become one push with the latest status."""

    _name = "retail.sync.order.status.pending"
    _description = "Retail Sync: web order status to push"
    _log_access = False
    _order = "id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    create_date = fields.Datetime(default=fields.Datetime.now)

    @api.model
    def _mark(self, orders):
        """Remember that these orders changed in this transaction."""
        if not orders:
            return
        precommit = self.env.cr.precommit
        if CHANGED not in precommit.data:
            precommit.data[CHANGED] = set()
            precommit.add(self._flush_marks)
        precommit.data[CHANGED].update(orders.ids)

    @api.model
    def _flush_marks(self):
        """Before commit: one row per changed storefront order, one push job per
        channel, in the transaction of the change."""
        order_ids = self.env.cr.precommit.data.pop(CHANGED, set())
        if not order_ids:
            return
        # Registered by whoever changed the order (a warehouse user): the rows
        # and jobs are the system's.
        self = self.sudo()
        # The change may have been rolled back (a savepoint): exists().
        orders = self.env["sale.order"].sudo().browse(sorted(order_ids)).exists()
        rows = {
            (order.retail_sync_channel_id.id, order.id)
            for order in orders
            if order.retail_sync_channel_id
            and order.retail_sync_channel_id._pushes_ready()
        }
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s)", channel_id, order_id)
            for channel_id, order_id in sorted(rows)
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_order_status_pending (channel_id, order_id,
                                                              create_date)
                SELECT r.channel_id, r.order_id, now() at time zone 'UTC'
                  FROM (VALUES %s) AS r(channel_id, order_id)
                """,
                values,
            )
        )
        channels = self.env["retail.sync.channel"].browse(sorted({c for c, _o in rows}))
        for channel in channels:
            channel._enqueue_order_status_push()
        self.env.flush_all()
