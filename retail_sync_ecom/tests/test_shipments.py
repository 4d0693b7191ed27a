# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_core.tests.common import make_user
from odoo.addons.retail_sync_queue.tests.common import DrainMixin

from .common import WebOrderMixin

DRAIN_LOG = "odoo.addons.retail_sync_queue.models.retail_sync_drain"


@tagged("post_install", "-at_install")
class TestShipments(WebOrderMixin, DrainMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_web_orders()
        cls.warehouse_user = make_user(
            cls.env, "rs_ship_warehouse", "stock.group_stock_user"
        )
        shipping = cls.env["product.product"].create(
            {"name": "DHL shipping", "type": "service"}
        )
        cls.dhl = cls.env["delivery.carrier"].create(
            {"name": "DHL", "product_id": shipping.id, "delivery_type": "fixed"}
        )

    def delivery(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def shipped(self, order, product):
        return sum(
            self.delivery(order)
            .move_ids.filtered(lambda m: m.state == "done" and m.product_id == product)
            .mapped("quantity")
        )

    def test_shipment_validates_the_delivery_with_its_tracking(self):
        order = self.place("S1", [("SH-LAMP", 3)])
        event = self.ship(
            self.shipment(
                "SHP-1",
                "S1",
                [("SH-LAMP", 3)],
                carrier="dhl",
                tracking_ref="TRK-0001",
                shipped_at="2026-11-28T08:30:00+01:00",
            )
        )
        self.assertEqual(event.state, "done", event.error_message)
        picking = self.delivery(order)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "TRK-0001")
        self.assertEqual(picking.carrier_id, self.dhl)
        self.assertEqual(str(picking.date_done), "2026-11-28 07:30:00")
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(event.result["pickings"], [picking.name])
        shipment = self.env["retail.sync.shipment"].search(
            [("channel_id", "=", self.tpl.id), ("shipment_ref", "=", "SHP-1")]
        )
        self.assertEqual(shipment.picking_ids, picking)
        self.assertEqual(shipment.order_id, order)
        self.assertIn("stock.picking", event.link_ids.mapped("res_model"))
        on_hand = self.lamp.with_context(location=self.central.lot_stock_id.id)
        self.assertEqual(on_hand.qty_available, 7)

    def test_unknown_carrier_is_kept_by_name(self):
        order = self.place("S2", [("SH-LAMP", 1)])
        event = self.ship(
            self.shipment("SHP-2", "S2", [("SH-LAMP", 1)], carrier="Bike courier")
        )
        self.assertEqual(event.state, "done", event.error_message)
        self.assertFalse(self.delivery(order).carrier_id)
        shipment = self.env["retail.sync.shipment"].search(
            [("shipment_ref", "=", "SHP-2")]
        )
        self.assertEqual(shipment.carrier_name, "Bike courier")

    def test_partial_shipment_leaves_a_backorder(self):
        order = self.place("S3", [("SH-LAMP", 4)])
        event = self.ship(
            self.shipment("SHP-3", "S3", [("SH-LAMP", 1)], tracking_ref="TRK-3")
        )
        self.assertEqual(event.state, "done", event.error_message)
        pickings = self.delivery(order)
        done = pickings.filtered(lambda p: p.state == "done")
        backorder = pickings - done
        self.assertEqual(done.move_ids.quantity, 1)
        self.assertEqual(backorder.backorder_id, done)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)
        self.assertEqual(backorder.move_ids.quantity, 3, "still reserved")
        self.assertEqual(event.result["backorders"], [backorder.name])
        self.assertEqual(order._retail_sync_status()["status"], "partially_shipped")
        # The rest ships: the backorder is validated, the order fully shipped.
        event = self.ship(self.shipment("SHP-4", "S3", [("SH-LAMP", 3)]))
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(backorder.state, "done")
        self.assertEqual(self.shipped(order, self.lamp), 4)
        self.assertEqual(order._retail_sync_status()["status"], "shipped")

    def test_a_product_not_shipped_stays_in_the_backorder(self):
        vase = self.env["product.product"].create(
            {"name": "Vase", "default_code": "SH-VASE", "is_storable": True}
        )
        self.env["stock.quant"]._update_available_quantity(
            vase, self.central.lot_stock_id, 2
        )
        order = self.place("S4", [("SH-LAMP", 2), ("SH-VASE", 2)])
        event = self.ship(self.shipment("SHP-S4", "S4", [("SH-LAMP", 2)]))
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.shipped(order, self.lamp), 2)
        self.assertEqual(self.shipped(order, vase), 0)
        backorder = self.delivery(order).filtered(lambda p: p.state != "done")
        self.assertEqual(backorder.move_ids.product_id, vase)
        self.assertEqual(backorder.move_ids.quantity, 2, "still reserved")

    def test_resent_shipment_validates_nothing_twice(self):
        order = self.place("S5", [("SH-LAMP", 4)])
        first = self.ship(self.shipment("SHP-5", "S5", [("SH-LAMP", 2)]))
        self.assertEqual(first.state, "done", first.error_message)
        # The 3PL resends it under a new event id, and a manager replays the first.
        again = self.ship(
            self.shipment("SHP-5", "S5", [("SH-LAMP", 2)], event_id="resent-SHP-5")
        )
        self.assertEqual(again.state, "done", again.error_message)
        self.assertTrue(again.result["already_applied"])
        first._replay("forced for the test", force=True)
        self.drain("order:SHOP:S5", channel=self.tpl)
        self.assertEqual(first.state, "done")
        self.assertEqual(self.shipped(order, self.lamp), 2)
        self.assertEqual(
            len(self.delivery(order).filtered(lambda p: p.state == "done")), 1
        )
        self.assertEqual(
            self.env["retail.sync.shipment"].search_count(
                [("shipment_ref", "=", "SHP-5")]
            ),
            1,
        )

    def test_shipment_before_the_reservation_waits_and_is_released_by_it(self):
        order = self.place("S6", [("SH-CHAIR", 2)])
        self.assertEqual(self.delivery(order).state, "confirmed", "no chair in stock")
        event = self.ship(self.shipment("SHP-6", "S6", [("SH-CHAIR", 2)]))
        self.assertEqual(event.state, "waiting")
        self.assertEqual(event.waiting_for, f"reservation:sale.order:{order.id}")
        self.assertEqual(
            event.state_reason, f"waiting for the reservation of order {order.name}"
        )
        self.assertEqual(self.delivery(order).state, "confirmed", "nothing shipped")
        # Chairs arrive (a warehouse user with no Retail Sync rights validates the
        # receipt): Odoo reserves them for the order, which releases the shipment
        # at once (its drain job, no cron). A fresh cache, as in its own request.
        self.env.invalidate_all()
        self.receive(self.chair, 5, self.central, user=self.warehouse_user)
        self.assertEqual(self.delivery(order).state, "assigned")
        self.assertEqual(event.state, "queued")
        self.push()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.delivery(order).state, "done")
        self.assertEqual(self.shipped(order, self.chair), 2)

    def test_independent_order_is_not_blocked_by_a_waiting_shipment(self):
        waiting_order = self.place("S7", [("SH-CHAIR", 1)])
        other_order = self.place("S8", [("SH-LAMP", 1)])
        waiting = self.ship(self.shipment("SHP-7", "S7", [("SH-CHAIR", 1)]))
        applied = self.ship(self.shipment("SHP-8", "S8", [("SH-LAMP", 1)]))
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(applied.state, "done", applied.error_message)
        self.assertEqual(self.delivery(other_order).state, "done")
        self.assertEqual(self.delivery(waiting_order).state, "confirmed")

    def test_a_later_shipment_of_the_same_order_waits_behind(self):
        self.place("S9", [("SH-CHAIR", 2)])
        waiting = self.ship(self.shipment("SHP-9A", "S9", [("SH-CHAIR", 1)]))
        behind = self.ship(self.shipment("SHP-9B", "S9", [("SH-CHAIR", 1)]))
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(behind.state, "blocked")

    def test_shipment_before_the_order_waits_for_the_order(self):
        event = self.ship(self.shipment("SHP-10", "S10", [("SH-LAMP", 1)]))
        self.assertEqual(event.state, "waiting")
        self.assertEqual(event.waiting_for, f"order:{self.channel.id}:S10")
        order = self.place("S10", [("SH-LAMP", 1)])
        self.push()
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.delivery(order).state, "done")

    @mute_logger(DRAIN_LOG)
    def test_shipping_more_than_ordered_or_another_product_is_dead(self):
        order = self.place("S11", [("SH-LAMP", 2)])
        too_many = self.ship(self.shipment("SHP-11", "S11", [("SH-LAMP", 3)]))
        self.assertEqual(too_many.state, "dead")
        self.assertIn("left to ship", too_many.error_message)
        too_many._skip("bad shipment")
        other = self.ship(self.shipment("SHP-12", "S11", [("SH-CHAIR", 1)]))
        self.assertEqual(other.state, "dead")
        self.assertIn(f"is not in order {order.name}", other.error_message)
        self.assertEqual(self.delivery(order).state, "assigned", "nothing shipped")
