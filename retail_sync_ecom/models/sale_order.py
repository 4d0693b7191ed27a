# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, timedelta

from odoo import api, fields, models

from .retail_sync_channel import PICKUP_TOPIC, STATUS_TOPIC

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
# Pickup order statuses the store sees; a fulfilment status not listed (confirmed:
# not reserved yet) is not pushed to the store.
PICKUP_STATUSES = frozenset({"reserved", "ready_for_pickup", "picked_up", "cancelled"})


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
    retail_sync_pickup_reserved_at = fields.Datetime(
        "Reserved for pickup at",
        readonly=True,
        copy=False,
        help="When the pickup store's stock was first fully reserved for this "
        "click & collect order: its ready-by time is this plus the storefront's "
        "pickup preparation time.",
    )
    retail_sync_pickup_expired = fields.Boolean(
        "Pickup expired",
        readonly=True,
        copy=False,
        help="The pickup store reported that the customer never came: the order "
        "was cancelled and its reservation freed.",
    )
    retail_sync_pickup_ids = fields.One2many(
        "retail.sync.pickup.order", "order_id", string="Pickup orders sent to stores"
    )

    retail_sync_ready_for_pickup_at = fields.Datetime(
        "Ready for pickup since",
        readonly=True,
        copy=False,
        help="When the pickup store said the click & collect order was ready: "
        "the order is late once not collected for the channel's pickup target.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "retail_sync_ready_for_pickup" in vals:
            # Stamp when an order becomes ready for pickup: its pickup aging starts.
            ready = self.filtered("retail_sync_ready_for_pickup")
            ready.filtered(
                lambda order: not order.retail_sync_ready_for_pickup_at
            ).write({"retail_sync_ready_for_pickup_at": fields.Datetime.now()})
            (self - ready).filtered("retail_sync_ready_for_pickup_at").write(
                {"retail_sync_ready_for_pickup_at": False}
            )
        if {"state", "retail_sync_ready_for_pickup"} & set(vals):
            self._retail_sync_status_changed()
        elif {"order_line", "partner_id", "partner_shipping_id"} & set(vals):
            # What the store hands over changed: it gets the pickup order again.
            self._retail_sync_pickup_changed()
        return result

    # ------------------------------------------------------------ status push
    def _retail_sync_status_changed(self):
        """Queue these orders' status for a push to the storefront that sent them.

        Cheap and safe to call many times in a transaction: the orders are
        collected and, just before commit, each storefront order gets one pending
        row and its channel one push job (retail.sync.order.status.pending)."""
        self.env["retail.sync.order.status.pending"]._mark(self)
        self._retail_sync_pickup_changed()
        return True

    def _retail_sync_pickup_changed(self):
        """Queue the pickup order of these click & collect orders for a push to
        their pickup store's POS channels (the same pending rows and jobs as the
        status, topic pickup.order). The first full reservation is stamped: the
        ready-by time counts from it."""
        orders = self.sudo().filtered(
            lambda o: o.retail_sync_click_and_collect and o.retail_sync_channel_id
        )
        if not orders:
            return
        for order in orders.filtered(
            lambda o: not o.retail_sync_pickup_reserved_at and o.state == "sale"
        ):
            pickings = order._retail_sync_customer_pickings()
            if order._retail_sync_fulfilment_status(pickings) == "reserved":
                order.retail_sync_pickup_reserved_at = fields.Datetime.now()
        self.env["retail.sync.order.status.pending"]._mark(orders, PICKUP_TOPIC)

    def _retail_sync_push_channels(self, topic):
        """The channels this order's ``topic`` entry is pushed to: its status to
        the storefront that sent it, its pickup order to the pickup store's POS
        channels."""
        self.ensure_one()
        if topic == STATUS_TOPIC:
            return self.retail_sync_channel_id
        if topic == PICKUP_TOPIC:
            return self._retail_sync_pickup_channels()
        return self.env["retail.sync.channel"]

    def _retail_sync_pickup_channels(self):
        """The POS channels of this click & collect order's pickup store: those of
        kind POS whose store binding leads to the order's warehouse."""
        self.ensure_one()
        if not (self.retail_sync_click_and_collect and self.retail_sync_channel_id):
            return self.env["retail.sync.channel"]
        return self.env["retail.sync.channel"]._pos_channels_of_warehouse(
            self.warehouse_id
        )

    def _retail_sync_pickup_ready_by(self):
        """When the store must have this click & collect order ready (UTC, naive):
        its reservation plus the storefront's preparation time; None before."""
        self.ensure_one()
        if not self.retail_sync_pickup_reserved_at:
            return None
        minutes = self.retail_sync_channel_id.pickup_preparation_minutes
        return self.retail_sync_pickup_reserved_at + timedelta(minutes=minutes)

    def _retail_sync_pickup_entry(self):
        """The pickup order as its store receives it, without its version: who
        collects (the store hands the goods to them), what, whether it is paid,
        by when it must be ready, and its status. None while not reserved yet."""
        self.ensure_one()
        pickings = self._retail_sync_customer_pickings()
        fulfilment = self._retail_sync_fulfilment_status(pickings)
        if fulfilment == "cancelled" and self.retail_sync_pickup_expired:
            status = "expired"
        else:
            status = fulfilment if fulfilment in PICKUP_STATUSES else None
        if not status:
            return None
        ready_by = self._retail_sync_pickup_ready_by()
        payment = self._retail_sync_payment_facts()
        currency = self.currency_id
        due = currency.round(max(0.0, self.amount_total - (payment.get("paid") or 0.0)))
        customer = self.partner_id
        lines = []
        for line in self.order_line.filtered(
            lambda sol: sol.product_id.type == "consu" and not sol.display_type
        ):
            product = line.product_id
            lines.append(
                {
                    "sku": product.default_code
                    or product.barcode
                    or f"odoo-{product.id}",
                    "name": line.name,
                    "quantity": line.product_uom_qty,
                }
            )
        return {
            "order_ref": self.retail_sync_order_ref,
            "storefront": self.retail_sync_channel_id.code,
            "sale_order": self.name,
            "status": status,
            "customer": {
                "name": customer.name,
                "email": customer.email or None,
                "phone": customer.phone or customer.mobile or None,
            },
            "lines": lines,
            "payment": {
                "status": "paid" if currency.is_zero(due) else "to_pay",
                "amount_due": due,
                "currency": currency.name,
            },
            "ready_by": ready_by.replace(tzinfo=UTC).isoformat() if ready_by else None,
        }

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
