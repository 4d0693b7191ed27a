# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncOrderStatus(models.Model):
    """The last status of a web order its storefront received: its version (each
    push carries a higher one, so the storefront can drop a late older one) and
    what was pushed. Written only by the channel's status push job, never by the
    transaction that changes the order."""

    _name = "retail.sync.order.status"
    _description = "Retail Sync: web order status pushed"
    _order = "id desc"
    _rec_name = "status"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", readonly=True
    )
    channel_id = fields.Many2one(
        "retail.sync.channel",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    version = fields.Integer(
        readonly=True,
        help="Version of the last status pushed: strictly increasing per order.",
    )
    status = fields.Char(readonly=True, help="The customer-facing status pushed.")
    entry = fields.Json(
        readonly=True,
        groups="retail_sync_core.group_manager",
        help="The status as pushed (without its version and time).",
    )
    pushed_at = fields.Datetime(readonly=True)
    delivery_id = fields.Many2one(
        "retail.sync.delivery", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        ("order_unique", "unique(order_id)", "One pushed status per order."),
    ]
