# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..hooks import DEMO_STOCK


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_stores_channels_and_stock(self):
        channels = self.env["retail.sync.channel"].search([])
        self.assertTrue(
            {"WEB", "POS-PAR", "POS-LYO", "POS-MRS"} <= set(channels.mapped("code"))
        )
        paris = self.env.ref("retail_sync_demo.stock_warehouse_store_paris")
        tee = self.env.ref("retail_sync_demo.product_product_tee_black_m")
        on_hand = self.env["stock.quant"]._get_available_quantity(
            tee, paris.lot_stock_id
        )
        self.assertEqual(on_hand, DEMO_STOCK["PAR"]["RS-TEE-BLK-M"])
        self.assertTrue(tee.is_storable)

    def test_a_web_order_lifecycle_applied(self):
        order = self.env["sale.order"].search([("client_order_ref", "=", "DEMO-1001")])
        self.assertEqual(order.state, "sale")
        events = self.env["retail.sync.event"].search(
            [
                ("external_id", "like", "DEMO-%"),
                ("event_type", "!=", "customer.upserted"),
            ]
        )
        self.assertEqual(
            sorted(events.mapped("event_type")),
            [
                "ecom.order.created",
                "payment.captured",
                "refund.issued",
                "shipment.confirmed",
            ],
        )
        self.assertEqual(
            set(events.mapped("state")), {"done"}, events.mapped("error_message")
        )
        payment = self.env["retail.sync.payment"].search(
            [("payment_ref", "=", "DEMO-PAY-1001")]
        )
        self.assertIn(payment.account_payment_id.state, ("in_process", "paid"))
        self.assertEqual(
            payment.currency_id.compare_amounts(
                payment.captured_amount, order.amount_total
            ),
            0,
        )
        refund = self.env["retail.sync.refund"].search(
            [("refund_ref", "=", "DEMO-REF-1001")]
        )
        self.assertEqual(refund.credit_note_id.state, "posted")
        shipped = order.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        self.assertEqual(shipped[:1].carrier_tracking_ref, "JD014600003")
        # The demo install leaves no job for a runner to find in the test database.
        self.assertFalse(self.env["queue.job"].search([("state", "=", "pending")]))

    def test_the_web_shop_is_subscribed_to_the_demo_catalog(self):
        subscription = self.env.ref(
            "retail_sync_demo.retail_sync_catalog_subscription_web_shop"
        )
        tee = self.env.ref("retail_sync_demo.product_product_tee_black_m")
        self.assertEqual(subscription.channel_id.code, "WEB")
        self.assertIn(tee.id, subscription._members({tee.id}))
        data = subscription._data(tee)[tee.id]
        self.assertEqual(data["sku"], "RS-TEE-BLK-M")
        self.assertEqual(data["currency"], subscription.currency_id.name)

    def test_customers_flagged_matched_and_waiting_for_review(self):
        web = self.env.ref("retail_sync_demo.retail_sync_channel_web_shop")
        Binding = self.env["retail.sync.binding"]

        def customer(channel, ref):
            return Binding.search(
                [
                    ("channel_id", "=", channel.id),
                    ("kind", "=", "customer"),
                    ("external_ref", "=", ref),
                ]
            )._target()

        lea = customer(web, "WEB-C-1")
        self.assertEqual(lea.mobile, "+33612345678")
        self.assertEqual(lea.email, "Lea.Dubois@example.com")
        paris = self.env.ref("retail_sync_demo.retail_sync_channel_store_paris")
        self.assertEqual(customer(paris, "PAR-C-77"), lea)
        self.assertEqual(lea.retail_sync_loyalty_id, "PAR-LOYAL-0077")
        hugo = customer(web, "WEB-C-2")
        self.assertTrue(hugo.retail_sync_phone_flagged)
        self.assertEqual(hugo.phone, "call after 6pm")
        review = self.env["retail.sync.customer.review"].search(
            [("customer_ref", "=", "WEB-C-3")]
        )
        self.assertEqual(review.state, "pending")
        self.assertEqual(len(review.candidate_ids), 2)
