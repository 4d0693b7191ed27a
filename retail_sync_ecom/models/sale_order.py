# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Customer-facing statuses, least advanced first: an order shows the most advanced
# one that applies (a shipped order that is also paid shows "shipped").
STATUS_RANK = (
    "confirmed",
    "reserved",
    "paid",
    "partially_shipped",
    "ready_for_pickup",
    "shipped",
    "picked_up",
    "refunded",
    "cancelled",
)
# Payment statuses (retail_sync_payments) that are a customer-facing status too.
PAYMENT_STATUSES = {"paid": "paid", "refunded": "refunded"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    retail_sync_channel_id = fields.Many2one(
        "retail.sync.channel",
        string="Storefront channel",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The storefront that sent this order (set when its order binding is "
        "created). Every change its customer sees is pushed back to it.",
    )
    retail_sync_order_ref = fields.Char(
        "Storefront order reference",
        readonly=True,
        copy=False,
        help="The order's reference on its storefront channel.",
    )
    retail_sync_click_and_collect = fields.Boolean(
        "Click & collect",
        readonly=True,
        copy=False,
        help="The customer collects the order in a store: its delivery is the "
        "pickup store's, and a done delivery means picked up, not shipped.",
    )
    retail_sync_ready_for_pickup = fields.Boolean(
        "Ready for pickup",
        copy=False,
        help="The pickup store confirmed that a click & collect order is ready: "
        "the storefront shows it ready for pickup until it is collected.",
    )
    retail_sync_delivery_method = fields.Char(
        "Storefront delivery method",
        copy=False,
        help="The delivery method the customer chose on the storefront, as last "
        "sent by it.",
    )
    retail_sync_status_ids = fields.One2many(
        "retail.sync.order.status", "order_id", string="Storefront status"
    )

    def write(self, vals):
        result = super().write(vals)
        if {"state", "retail_sync_ready_for_pickup"} & set(vals):
            self._retail_sync_status_changed()
        return result

    # ------------------------------------------------------------ status push
    def _retail_sync_status_changed(self):
        """Queue these orders' status for a push to the storefront that sent them.

        Cheap and safe to call many times in a transaction: the orders are
        collected and, just before commit, each storefront order gets one pending
        row and its channel one push job (retail.sync.order.status.pending)."""
        self.env["retail.sync.order.status.pending"]._mark(self)
        return True

    def _retail_sync_payment_facts(self):
        """The payment part of the pushed status. Payment addons override it
        (super(), then replace) with what was authorized, captured, refunded."""
        self.ensure_one()
        return {
            "status": "unpaid",
            "paid": 0.0,
            "refunded": 0.0,
            "currency": self.currency_id.name,
        }

    def _retail_sync_customer_pickings(self):
        """The deliveries the customer sees: to a customer location, not
        cancelled (with several steps, the last one)."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.state != "cancel" and p.location_dest_id.usage == "customer"
        )

    def _retail_sync_fulfilment_status(self, pickings):
        self.ensure_one()
        if self.state == "cancel":
            return "cancelled"
        done = pickings.filtered(lambda p: p.state == "done")
        if done and done == pickings:
            return "picked_up" if self.retail_sync_click_and_collect else "shipped"
        if done:
            return "partially_shipped"
        if self.retail_sync_click_and_collect and self.retail_sync_ready_for_pickup:
            return "ready_for_pickup"
        if pickings and all(p.state == "assigned" for p in pickings):
            return "reserved"
        return "confirmed"

    def _retail_sync_shipment_facts(self, picking):
        """One done delivery as the storefront shows it: carrier, tracking, lines."""
        shipment = self.env["retail.sync.shipment"].sudo()._of_picking(picking)
        carrier = picking.carrier_id.name or shipment.carrier_name or None
        lines = {}
        for move in picking.move_ids.filtered(lambda m: m.state == "done"):
            product = move.product_id
            sku = product.default_code or product.barcode or f"odoo-{product.id}"
            quantity = move.product_uom._compute_quantity(
                move.quantity, product.uom_id, rounding_method="HALF-UP"
            )
            lines[sku] = lines.get(sku, 0.0) + quantity
        return {
            "picking": picking.name,
            "carrier": carrier,
            "tracking_ref": picking.carrier_tracking_ref or None,
            "tracking_url": picking.carrier_tracking_url or None,
            "shipped_at": fields.Datetime.to_string(picking.date_done)
            if picking.date_done
            else None,
            "lines": [{"sku": sku, "quantity": qty} for sku, qty in lines.items()],
        }

    def _retail_sync_status(self):
        """The order's status as pushed to its storefront, without its version
        (given when pushed): the most advanced customer-facing status, the
        fulfilment (with every shipment) and the payment."""
        self.ensure_one()
        pickings = self._retail_sync_customer_pickings()
        fulfilment = self._retail_sync_fulfilment_status(pickings)
        payment = self._retail_sync_payment_facts()
        candidates = {fulfilment, PAYMENT_STATUSES.get(payment.get("status"))}
        status = max((c for c in candidates if c in STATUS_RANK), key=STATUS_RANK.index)
        return {
            "order_ref": self.retail_sync_order_ref,
            "sale_order": self.name,
            "status": status,
            "fulfilment": {
                "status": fulfilment,
                "shipments": [
                    self._retail_sync_shipment_facts(picking)
                    for picking in pickings.filtered(
                        lambda p: p.state == "done"
                    ).sorted(lambda p: (p.date_done, p.id))
                ],
            },
            "payment": payment,
        }

    @api.model
    def _retail_sync_reservation_dependency(self, order_id):
        """The token a shipment waiting for this order's reservation waits on."""
        return f"reservation:sale.order:{order_id}"
