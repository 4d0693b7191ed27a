# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_queue.tests.common import DrainMixin

from .common import WebOrderMixin

DRAIN_LOG = "odoo.addons.retail_sync_queue.models.retail_sync_drain"


@tagged("post_install", "-at_install")
class TestOrderUpdates(WebOrderMixin, DrainMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_web_orders()
        cls.vase = cls.env["product.product"].create(
            {"name": "Vase", "default_code": "SH-VASE", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.vase, cls.central.lot_stock_id, 5
        )

    def updated(self, ref, sequence=2, **data):
        return {
            "id": f"updated-{ref}-{sequence}",
            "type": "ecom.order.updated",
            "schema_version": 1,
            "sequence": sequence,
            "occurred_at": "2026-11-27T11:00:00+01:00",
            "data": {"order_ref": ref, **data},
        }

    def update(self, ref, **data):
        event = self.updated(ref, **data)
        self.ingest(event)
        self.drain(f"order:{ref}")
        return self.event(event["id"])

    def free(self, product):
        return product.with_context(location=self.central.lot_stock_id.id).free_qty

    def demand(self, order, product):
        moves = order.picking_ids.move_ids.filtered(
            lambda m: m.product_id == product and m.state != "cancel"
        )
        return sum(moves.mapped("product_uom_qty"))

    def test_lines_are_replaced_and_the_reservation_follows(self):
        order = self.place("U1", [("SH-LAMP", 2), ("SH-CHAIR", 1)])
        self.assertEqual(self.free(self.lamp), 8)
        event = self.update(
            "U1",
            lines=[
                {"sku": "SH-LAMP", "quantity": 5, "unit_price": 28.0},
                {"sku": "SH-VASE", "quantity": 1, "unit_price": 12.0},
            ],
        )
        self.assertEqual(event.state, "done", event.error_message)
        lamp_line = order.order_line.filtered(lambda ol: ol.product_id == self.lamp)
        self.assertEqual(lamp_line.product_uom_qty, 5)
        self.assertEqual(lamp_line.price_unit, 28.0)
        chair_line = order.order_line.filtered(lambda ol: ol.product_id == self.chair)
        self.assertEqual(chair_line.product_uom_qty, 0, "left out: set to 0")
        self.assertEqual(
            order.order_line.filtered(lambda ol: ol.product_id == self.vase).price_unit,
            12.0,
        )
        self.assertEqual(self.demand(order, self.lamp), 5)
        self.assertEqual(self.demand(order, self.chair), 0)
        self.assertEqual(self.demand(order, self.vase), 1)
        self.assertEqual(self.free(self.lamp), 5, "the reservation follows the order")
        self.assertEqual(self.free(self.vase), 4)
        self.assertEqual(event.result["lines"], {"changed": 2, "added": 1})

    def test_shipping_address_becomes_a_delivery_contact(self):
        order = self.place("U2", [("SH-LAMP", 1)])
        address = {
            "name": "Ann at work",
            "street": "1 Office Road",
            "zip": "1000",
            "city": "Brussels",
            "country": "BE",
        }
        event = self.update("U2", shipping_address=address)
        self.assertEqual(event.state, "done", event.error_message)
        contact = order.partner_shipping_id
        self.assertEqual(contact.type, "delivery")
        self.assertEqual(contact.parent_id, order.partner_id)
        self.assertEqual(contact.street, "1 Office Road")
        self.assertEqual(contact.country_id.code, "BE")
        self.assertEqual(order.picking_ids.partner_id, contact)
        # The same address again reuses the contact.
        again = self.update("U2", sequence=3, shipping_address=address)
        self.assertEqual(again.state, "done", again.error_message)
        self.assertEqual(order.partner_shipping_id, contact)
        self.assertEqual(len(order.partner_id.child_ids), 1)

    def test_delivery_method_is_kept_and_matches_a_carrier(self):
        shipping = self.env["product.product"].create(
            {"name": "Express shipping", "type": "service"}
        )
        express = self.env["delivery.carrier"].create(
            {"name": "Express", "product_id": shipping.id, "delivery_type": "fixed"}
        )
        order = self.place("U3", [("SH-LAMP", 1)])
        event = self.update("U3", delivery_method="express")
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(order.retail_sync_delivery_method, "express")
        self.assertEqual(order.carrier_id, express)
        self.assertEqual(order.picking_ids.carrier_id, express)

    def test_update_after_creation_in_one_batch_applies_in_order(self):
        self.ingest(
            self.created("U4", [("SH-LAMP", 1)]),
            self.updated(
                "U4", lines=[{"sku": "SH-LAMP", "quantity": 3, "unit_price": 30.0}]
            ),
        )
        self.drain("order:U4")
        self.assertEqual(self.states("created-U4", "updated-U4-2"), ["done", "done"])
        order = self.env["sale.order"].search([("client_order_ref", "=", "U4")])
        self.assertEqual(order.order_line.product_uom_qty, 3)

    @mute_logger(DRAIN_LOG)
    def test_refused_once_anything_shipped(self):
        order = self.place("U5", [("SH-LAMP", 3)])
        shipment = self.ship(self.shipment("SHP-U5", "U5", [("SH-LAMP", 1)]))
        self.assertEqual(shipment.state, "done", shipment.error_message)
        event = self.update(
            "U5", lines=[{"sku": "SH-LAMP", "quantity": 1, "unit_price": 30.0}]
        )
        self.assertEqual(event.state, "dead")
        self.assertIn("has already shipped", event.error_message)
        self.assertEqual(order.order_line.product_uom_qty, 3, "unchanged")
