# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment side of order aging (see retail_sync_ecom's retail_sync_order_aging):
paid web orders not shipped, payments waiting for their order, refunds waiting for
their payment, beyond the channel's targets."""

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.retail_sync_ecom.models.retail_sync_channel import (
    LATE_ORDERS_ALERT,
    OPEN_PICKING_STATES,
)

PAYMENTS_WAITING_ALERT = "payments_waiting"


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    aging_payment_wait_minutes = fields.Integer(
        "Payment waits within (min)",
        default=30,
        help="A payment waiting for its order, or a refund waiting for its payment, "
        "this long is late (Payments or refunds waiting alert). Past its domain's "
        "wait it becomes a dead letter anyway. 0: never late.",
    )

    @api.model
    def _aging_conditions(self):
        return [
            *super()._aging_conditions(),
            {
                "code": "not_shipped",
                "label": self.env._("Paid, not shipped"),
                "model": "sale.order",
                "alert": LATE_ORDERS_ALERT,
                "target": lambda channel: self.env._("%s h", channel.aging_ship_hours),
                "query": self._aging_not_shipped_query,
            },
            {
                "code": "payment_without_order",
                "label": self.env._("Payments waiting for their order"),
                "model": "retail.sync.event",
                "alert": PAYMENTS_WAITING_ALERT,
                "target": lambda channel: self.env._(
                    "%s min", channel.aging_payment_wait_minutes
                ),
                "query": lambda now: self._aging_waiting_query(
                    now, "order", "payment.%"
                ),
            },
            {
                "code": "refund_without_payment",
                "label": self.env._("Refunds waiting for their payment"),
                "model": "retail.sync.event",
                "alert": PAYMENTS_WAITING_ALERT,
                "target": lambda channel: self.env._(
                    "%s min", channel.aging_payment_wait_minutes
                ),
                "query": lambda now: self._aging_waiting_query(
                    now, "payment", "refund.issued"
                ),
            },
        ]

    @api.model
    def _aging_not_shipped_query(self, now):
        """Web orders (click & collect aside: see not collected) with a captured
        payment, nothing delivered yet, since their first capture."""
        return SQL(
            """
            SELECT o.retail_sync_channel_id AS channel_id, o.id AS res_id,
                   paid.since, c.aging_ship_hours * 60 AS target_minutes
              FROM sale_order o
              JOIN retail_sync_channel c ON c.id = o.retail_sync_channel_id
              JOIN LATERAL (
                    SELECT min(pay.captured_at) AS since FROM retail_sync_payment pay
                     WHERE pay.sale_order_id = o.id AND pay.state = 'captured'
              ) paid ON paid.since IS NOT NULL
             WHERE o.id IN (%(open)s)
               AND o.state = 'sale'
               AND NOT coalesce(o.retail_sync_click_and_collect, FALSE)
               AND c.aging_ship_hours > 0
               AND paid.since < %(now)s - make_interval(hours => c.aging_ship_hours)
               AND NOT EXISTS (%(done)s AND p.sale_id = o.id)
            """,
            open=self._aging_open_deliveries(OPEN_PICKING_STATES),
            done=self._aging_open_deliveries(["done"]),
            now=now,
        )

    @api.model
    def _aging_waiting_query(self, now, waiting_kind, event_type):
        """Payment domain events waiting for a ``waiting_kind`` dependency longer
        than the channel's target (through the inbox's index of waiting events)."""
        return SQL(
            """
            SELECT e.channel_id, e.id AS res_id, e.waiting_since AS since,
                   c.aging_payment_wait_minutes AS target_minutes
              FROM retail_sync_event e
              JOIN retail_sync_channel c ON c.id = e.channel_id
             WHERE e.state = 'waiting' AND e.domain = 'payments'
               AND e.waiting_kind = %(kind)s AND e.event_type LIKE %(type)s
               AND c.aging_payment_wait_minutes > 0
               AND e.waiting_since
                   < %(now)s - make_interval(mins => c.aging_payment_wait_minutes)
            """,
            kind=waiting_kind,
            type=event_type,
            now=now,
        )


class RetailSyncAlert(models.Model):
    _inherit = "retail.sync.alert"

    condition = fields.Selection(
        selection_add=[
            (PAYMENTS_WAITING_ALERT, "Payments or refunds waiting beyond target")
        ],
        ondelete={PAYMENTS_WAITING_ALERT: "cascade"},
    )

    @api.model
    def _conditions(self):
        conditions = super()._conditions()
        conditions[PAYMENTS_WAITING_ALERT] = self._check_payments_waiting
        return conditions

    @api.model
    def _check_payments_waiting(self, channel, snapshot):
        """Payments waiting for their order, refunds for their payment."""
        return self.env["retail.sync.channel"]._aging_alert_detail(
            channel, snapshot["now"], PAYMENTS_WAITING_ALERT
        )


class RetailSyncOrderAging(models.Model):
    # Inherited so that its view is rebuilt with the paid-not-shipped condition.
    _inherit = "retail.sync.order.aging"
