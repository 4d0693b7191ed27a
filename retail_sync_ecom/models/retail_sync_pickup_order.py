# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncPickupOrder(models.Model):
    """The last pickup order a store's POS channel received for a click & collect
    order: its version (each push carries a higher one), status and ready-by
    time. Written only by the channel's pickup push job."""

    _name = "retail.sync.pickup.order"
    _description = "Retail Sync: click & collect order pushed to its store"
    _order = "id desc"
    _rec_name = "status"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", readonly=True, index=True
    )
    channel_id = fields.Many2one(
        "retail.sync.channel",
        string="Store channel",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        help="The pickup store's POS channel that received the pickup order.",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    version = fields.Integer(
        readonly=True,
        help="Version of the last pickup order pushed: strictly increasing per "
        "order.",
    )
    status = fields.Char(
        readonly=True,
        help="reserved, ready_for_pickup, picked_up, cancelled or expired.",
    )
    ready_by = fields.Datetime(
        readonly=True, help="When the store must have the order ready."
    )
    # Holds the customer's name and contact: managers only.
    entry = fields.Json(
        readonly=True,
        groups="retail_sync_core.group_manager",
        help="The pickup order as pushed (without its version and time).",
    )
    pushed_at = fields.Datetime(readonly=True)
    delivery_id = fields.Many2one(
        "retail.sync.delivery", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "order_channel_unique",
            "unique(order_id, channel_id)",
            "One pushed pickup order per order and store channel.",
        ),
    ]
