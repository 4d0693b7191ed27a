# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

CHANGED = "retail_sync.order_status_changed"
STATUS_TOPIC = "order.status"


class RetailSyncOrderStatusPending(models.Model):
    """Web orders whose status their storefront (topic order.status), or whose
    pickup order their pickup store (topic pickup.order), has not received yet.

    Inserted (insert only: a warehouse user validating a delivery never waits on a
    push in flight) just before the commit of any change a customer sees, one row
    per order, channel and topic in a transaction; consumed by that channel's push
    job of the topic, which computes each order's entry fresh, so many changes
    before a push become one push with the latest state."""

    _name = "retail.sync.order.status.pending"
    _description = "Retail Sync: web order status to push"
    _log_access = False
    _order = "id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    topic = fields.Char(
        required=True,
        default=STATUS_TOPIC,
        help="What is pushed for the order: its status to its storefront "
        "(order.status), the pickup order to its pickup store (pickup.order).",
    )
    create_date = fields.Datetime(default=fields.Datetime.now)

    @api.model
    def _mark(self, orders, topic=STATUS_TOPIC):
        """Remember that these orders changed in this transaction (for ``topic``)."""
        if not orders:
            return
        precommit = self.env.cr.precommit
        if CHANGED not in precommit.data:
            precommit.data[CHANGED] = {}
            precommit.add(self._flush_marks)
        precommit.data[CHANGED].setdefault(topic, set()).update(orders.ids)

    @api.model
    def _flush_marks(self):
        """Before commit: one row per changed order and channel it is pushed to,
        one push job per channel and topic, in the transaction of the change."""
        marks = self.env.cr.precommit.data.pop(CHANGED, {})
        # Registered by whoever changed the order (a warehouse user): the rows
        # and jobs are the system's.
        self = self.sudo()
        rows = set()
        for topic, order_ids in sorted(marks.items()):
            # The change may have been rolled back (a savepoint): exists().
            orders = self.env["sale.order"].browse(sorted(order_ids)).exists()
            for order in orders:
                for channel in order._retail_sync_push_channels(topic):
                    if channel._pushes_ready():
                        rows.add((channel.id, order.id, topic))
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s, %s)", channel_id, order_id, topic)
            for channel_id, order_id, topic in sorted(rows)
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_order_status_pending (channel_id, order_id,
                                                              topic, create_date)
                SELECT r.channel_id, r.order_id, r.topic, now() at time zone 'UTC'
                  FROM (VALUES %s) AS r(channel_id, order_id, topic)
                """,
                values,
            )
        )
        Channel = self.env["retail.sync.channel"]
        for channel_id, topic in sorted({(c, t) for c, _o, t in rows}):
            Channel.browse(channel_id)._enqueue_order_topic_push(topic)
        self.env.flush_all()
