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

    def test_a_store_day_in_the_books_and_its_z_report_reconciled(self):
        paris = self.env.ref("retail_sync_demo.retail_sync_channel_store_paris")
        events = self.env["retail.sync.event"].search(
            [("channel_id", "=", paris.id), ("external_id", "=like", "PAR-%")]
        )
        self.assertEqual(len(events), 8)
        self.assertEqual(
            set(events.mapped("state")), {"done"}, events.mapped("error_message")
        )
        day = self.env["retail.sync.store.day"].search(
            [("channel_id", "=", paris.id), ("business_date", "=", "2026-12-01")]
        )
        self.assertEqual(day.state, "built")
        self.assertEqual(day.receipt_count, 5)
        move = day.move_id
        self.assertEqual(move.state, "draft")
        currency = move.currency_id
        self.assertEqual(currency.round(sum(move.line_ids.mapped("balance"))), 0.0)
        balances = {line.name: line.balance for line in move.line_ids}
        # The sneakers' card capture was posted by the payments tier: settled on
        # its receivable, not counted again on the card journal.
        self.assertEqual(balances["Payments posted as customer payments card"], 80.1)
        self.assertEqual(balances["Payments card"], 24.0)
        self.assertEqual(balances["Payments cash"], 37.0)
        self.assertEqual(balances["Refunds paid cash"], -25.0)
        self.assertEqual(day.settled_payment_ids.payment_ref, "PAR-PAY-000102")
        # The sneakers' card refund was posted by the payments tier too (credit
        # note and refund payment): its refund receipt is not booked again.
        self.assertNotIn("Refunds paid card", balances)
        settlement = day.refund_settlement_ids
        self.assertEqual(settlement.refund_id.refund_ref, "PAR-REF-000105")
        self.assertEqual(day.settled_refund_amount, 80.1)
        self.assertEqual(settlement.credit_note_id.state, "posted")
        # The Z report counted 2.00 less cash: one exception, with its owner.
        exception = day.exception_ids.filtered(lambda e: e.state == "open")
        self.assertEqual(
            (exception.kind, exception.reference, exception.amount),
            ("method_difference", "cash", -2.0),
        )
        self.assertEqual(exception.owner_id, self.env.ref("base.user_admin"))
        self.assertEqual(day.report_id.state, "reconciled")
