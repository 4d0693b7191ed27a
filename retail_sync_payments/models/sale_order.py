# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    """A web order's channel payments and refunds, and the payment part of the
    status pushed back to its channel."""

    _inherit = "sale.order"

    retail_sync_payment_ids = fields.One2many(
        "retail.sync.payment",
        "sale_order_id",
        string="Channel payments",
        groups="retail_sync_core.group_user",
    )
    retail_sync_payment_count = fields.Integer(
        compute="_compute_retail_sync_payment_count",
        groups="retail_sync_core.group_user",
    )

    @api.depends("retail_sync_payment_ids")
    def _compute_retail_sync_payment_count(self):
        for order in self:
            order.retail_sync_payment_count = len(order.retail_sync_payment_ids)

    def action_open_retail_sync_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_sync_payments.retail_sync_payment_action"
        )
        action.update(
            domain=[("sale_order_id", "=", self.id)],
            context={"default_sale_order_id": self.id},
            display_name=self.env._("Channel payments of %s", self.name),
        )
        return action

    def _retail_sync_payment_facts(self):
        """unpaid, authorized, partially_paid, paid, partially_refunded or refunded,
        with what was captured and refunded, from the order's channel payments."""
        facts = super()._retail_sync_payment_facts()
        facts.update(self.env["retail.sync.payment"]._payment_facts(self))
        return facts
