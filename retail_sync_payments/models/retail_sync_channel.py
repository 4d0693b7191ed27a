# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine.errors import PermanentError
from odoo.addons.retail_sync_ecom.models.retail_sync_channel import (
    LATE_ORDERS_ALERT,
    OPEN_PICKING_STATES,
)

# Alert fed by the payment aging conditions (retail_sync_payment_aging.py).
PAYMENTS_WAITING_ALERT = "payments_waiting"


class RetailSyncChannel(models.Model):
    """A channel's payment settings: the journal of each payment method, and who
    pays a payment that names no order and no customer."""

    _inherit = "retail.sync.channel"

    payment_method_ids = fields.One2many(
        "retail.sync.payment.method",
        "channel_id",
        string="Payment methods",
        help="The journal each payment method of this channel posts to. A payment "
        "event with a method not listed here becomes a dead letter until it is "
        "added, then replayed.",
    )
    payment_partner_id = fields.Many2one(
        "res.partner",
        string="Standalone payments partner",
        help="Customer of the payments that name neither an order nor a customer "
        "(a walk-in store customer). Without it such payments are refused.",
    )

    def _payment_journal(self, method):
        """The journal ``method`` is mapped to; PermanentError naming the mapping
        to add when there is none."""
        self.ensure_one()
        mapping = self.payment_method_ids.filtered(lambda m: m.code == method)[:1]
        if not mapping:
            raise PermanentError(
                self.env._(
                    "no journal is mapped to payment method %(method)r on channel "
                    "%(channel)s: add it under Retail Sync > Configuration > Channels "
                    "> %(channel)s > Payments, then replay",
                    method=method,
                    channel=self.code,
                )
            )
        return mapping.journal_id

    # ------------------------------------------------------------ order aging

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
