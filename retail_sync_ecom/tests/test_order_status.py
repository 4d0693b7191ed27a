# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.retail_sync_core.tests.common import make_user
from odoo.addons.retail_sync_queue.tests.common import DrainMixin

from .common import WebOrderMixin


@tagged("post_install", "-at_install")
class TestOrderStatus(WebOrderMixin, DrainMixin, TransactionCase):
    """Every change a customer sees reaches the storefront (the reference channel,
    over real HTTP, signed) as the order's status, versions rising per order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_web_orders()
        cls.warehouse_user = make_user(
            cls.env, "rs_warehouse", "stock.group_stock_user"
        )

    def status(self, ref):
        entry = self.storefront.order_status(ref)
        return entry and entry["status"]

    def delivery(self, order):
        return order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "done"
        )

    def status_pushes(self):
        return [
            body
            for _at, _headers, body, _verified in self.storefront.received
            if body.get("type") == "order.status"
        ]

    def test_a_new_order_is_pushed_reserved_signed(self):
        order = self.place("O1", [("SH-LAMP", 2)])
        self.push()
        entry = self.storefront.order_status("O1")
        self.assertEqual(entry["status"], "reserved")
        self.assertEqual(entry["sale_order"], order.name)
        self.assertEqual(entry["fulfilment"], {"status": "reserved", "shipments": []})
        self.assertEqual(entry["payment"]["status"], "unpaid")
        self.assertEqual(entry["payment"]["currency"], order.currency_id.name)
        self.assertTrue(entry["changed_at"])
        [(_at, headers, _body, verified)] = self.storefront.received
        self.assertTrue(verified, "signed with the channel's push secret")
        self.assertTrue(headers["webhook-signature"].startswith("v1,"))
        delivery = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id), ("topic", "=", "order.status")]
        )
        self.assertEqual(delivery.state, "delivered")
        pushed = order.retail_sync_status_ids
        self.assertEqual(pushed.status, "reserved")
        self.assertEqual(pushed.version, entry["version"])

    def test_a_delivery_validated_in_the_form_pushes_shipped_with_tracking(self):
        order = self.place("O2", [("SH-LAMP", 2)])
        self.push()
        # The warehouse user has no Retail Sync rights; a fresh cache, as in the
        # requests of the form.
        self.env.invalidate_all()
        picking = self.delivery(order).with_user(self.warehouse_user)
        with Form(picking) as form:
            form.carrier_tracking_ref = "TRK-UI-1"
        self.assertIs(picking.button_validate(), True, "no wizard: all of it ships")
        self.assertEqual(picking.state, "done")
        self.push()
        entry = self.storefront.order_status("O2")
        self.assertEqual(entry["status"], "shipped")
        [shipment] = entry["fulfilment"]["shipments"]
        self.assertEqual(shipment["tracking_ref"], "TRK-UI-1")
        self.assertEqual(shipment["picking"], picking.name)
        self.assertEqual(shipment["lines"], [{"sku": "SH-LAMP", "quantity": 2.0}])
        self.assertEqual(self.storefront.order_history("O2"), ["reserved", "shipped"])
        self.assertEqual(self.storefront.out_of_order, [])

    def test_a_partial_delivery_through_the_backorder_wizard_pushes_partially(self):
        order = self.place("O3", [("SH-LAMP", 3)])
        self.push()
        self.env.invalidate_all()
        picking = self.delivery(order).with_user(self.warehouse_user)
        with Form(picking) as form:
            form.carrier_tracking_ref = "TRK-UI-2"
            with form.move_ids_without_package.edit(0) as move:
                move.quantity = 1
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.warehouse_user)
            .with_context(**action["context"])
        ).save()
        wizard.process()
        self.push()
        entry = self.storefront.order_status("O3")
        self.assertEqual(entry["status"], "partially_shipped")
        [shipment] = entry["fulfilment"]["shipments"]
        self.assertEqual(shipment["tracking_ref"], "TRK-UI-2")
        self.assertEqual(shipment["lines"], [{"sku": "SH-LAMP", "quantity": 1.0}])

    def test_a_shipment_from_the_3pl_pushes_its_carrier(self):
        self.place("O4", [("SH-LAMP", 1)])
        event = self.ship(
            self.shipment(
                "SHP-O4", "O4", [("SH-LAMP", 1)], carrier="PostNL", tracking_ref="3S1"
            )
        )
        self.assertEqual(event.state, "done", event.error_message)
        self.push()
        entry = self.storefront.order_status("O4")
        self.assertEqual(entry["status"], "shipped")
        [shipment] = entry["fulfilment"]["shipments"]
        self.assertEqual(
            (shipment["carrier"], shipment["tracking_ref"]), ("PostNL", "3S1")
        )

    def test_cancel_pushes_cancelled_with_a_higher_version(self):
        order = self.place("O5", [("SH-LAMP", 1)])
        self.push()
        first = self.storefront.order_status("O5")["version"]
        order._action_cancel()
        self.push()
        entry = self.storefront.order_status("O5")
        self.assertEqual(entry["status"], "cancelled")
        self.assertGreater(entry["version"], first)
        self.assertEqual(self.storefront.order_history("O5"), ["reserved", "cancelled"])

    def test_changes_before_the_push_coalesce_into_the_latest_status(self):
        order = self.place("O6", [("SH-LAMP", 1)])
        # Reserved, then shipped, before any push job ran: one push, "shipped".
        picking = self.delivery(order).with_user(self.warehouse_user)
        picking.button_validate()
        self.push()
        [push] = self.status_pushes()
        [entry] = push["orders"]
        self.assertEqual(entry["status"], "shipped")
        self.assertEqual(self.storefront.order_history("O6"), ["shipped"])
        self.assertFalse(
            self.env["retail.sync.order.status.pending"].search(
                [("order_id", "=", order.id)]
            )
        )

    def test_versions_rise_per_order_and_nothing_new_is_not_pushed(self):
        order = self.place("O7", [("SH-CHAIR", 1)])
        other = self.place("O8", [("SH-LAMP", 1)])
        self.push()
        self.assertEqual(self.status("O7"), "confirmed", "no chair to reserve")
        self.assertEqual(self.status("O8"), "reserved")
        pushes = len(self.storefront.received)
        # A change that the customer cannot see is not sent again.
        other._retail_sync_status_changed()
        self.push()
        self.assertEqual(len(self.storefront.received), pushes)
        self.receive(self.chair, 1, self.central)
        self.push()
        self.assertEqual(self.status("O7"), "reserved")
        self.delivery(order).button_validate()
        self.delivery(other).button_validate()
        self.push()
        for ref in ("O7", "O8"):
            versions = [e["version"] for e in self.storefront.order_statuses[ref]]
            self.assertEqual(versions, sorted(set(versions)))
        self.assertEqual(
            self.storefront.order_history("O7"), ["confirmed", "reserved", "shipped"]
        )
        self.assertEqual(self.storefront.out_of_order, [])

    def test_an_order_not_from_a_storefront_is_not_pushed(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Walk-in"}).id,
                "warehouse_id": self.central.id,
                "order_line": [
                    (0, 0, {"product_id": self.lamp.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        self.push()
        self.assertEqual(self.status_pushes(), [])

    def test_a_storefront_down_gets_the_latest_status_when_back(self):
        order = self.place("O9", [("SH-LAMP", 1)])
        self.storefront.set_mode("fail")
        self.push()
        delivery = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id), ("topic", "=", "order.status")]
        )
        self.assertEqual(delivery.state, "failed")
        self.delivery(order).button_validate()
        self.storefront.set_mode("ok")
        delivery.next_attempt_at = False
        self.push()
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(self.storefront.order_history("O9"), ["shipped"])

    def test_click_and_collect_ready_then_picked_up(self):
        order = self.place(
            "O10", [("SH-LAMP", 1)], mode="click_and_collect", pickup_store="STORE-1"
        )
        self.assertTrue(order.retail_sync_click_and_collect)
        self.push()
        self.assertEqual(self.status("O10"), "reserved")
        # The store says it is ready (what a pickup.ready event will set).
        order.retail_sync_ready_for_pickup = True
        self.push()
        self.assertEqual(self.status("O10"), "ready_for_pickup")
        # The customer collects it: the store's delivery is validated.
        picking = self.delivery(order)
        self.assertEqual(picking.picking_type_id.warehouse_id, self.pickup_store)
        picking.with_user(self.warehouse_user).button_validate()
        self.push()
        self.assertEqual(self.status("O10"), "picked_up")
        self.assertEqual(
            self.storefront.order_history("O10"),
            ["reserved", "ready_for_pickup", "picked_up"],
        )
