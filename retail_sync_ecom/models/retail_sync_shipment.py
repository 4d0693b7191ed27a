# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailSyncShipment(models.Model):
    """A shipment a fulfilment channel confirmed, applied once: the deliveries it
    validated, its carrier and tracking reference. The unique reference per channel
    is what makes a redelivered or resent shipment validate nothing twice."""

    _name = "retail.sync.shipment"
    _description = "Retail Sync: shipment confirmed by a fulfilment channel"
    _order = "id desc"
    _rec_name = "shipment_ref"

    channel_id = fields.Many2one(
        "retail.sync.channel",
        string="Fulfilment channel",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    shipment_ref = fields.Char(
        "Shipment reference",
        required=True,
        readonly=True,
        help="The fulfilment channel's id of the shipment.",
    )
    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, readonly=True
    )
    picking_ids = fields.Many2many(
        "stock.picking", string="Deliveries validated", readonly=True
    )
    carrier_name = fields.Char(
        "Carrier (as sent)",
        readonly=True,
        help="The carrier the channel named, kept even when no Odoo carrier of "
        "that name exists.",
    )
    carrier_id = fields.Many2one("delivery.carrier", readonly=True)
    tracking_ref = fields.Char("Tracking reference", readonly=True)
    shipped_at = fields.Datetime(readonly=True)
    event_id = fields.Many2one("retail.sync.event", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "channel_shipment_unique",
            "unique(channel_id, shipment_ref)",
            "A shipment of a fulfilment channel is applied once.",
        ),
    ]

    @api.model
    def _of_picking(self, picking):
        """The shipment that validated ``picking`` (empty if a user did)."""
        return self.search([("picking_ids", "in", picking.ids)], limit=1)
