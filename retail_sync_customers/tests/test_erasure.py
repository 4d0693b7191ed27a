# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from .common import CustomersMixin


@tagged("post_install", "-at_install")
class TestErasure(CustomersMixin, TransactionCase):
    def erase(self, customer_id, channel=None, **data):
        (event,) = self.send(
            {
                "id": f"erase-{customer_id}",
                "type": "customer.erased",
                "schema_version": 1,
                "occurred_at": "2026-11-27T12:00:00+00:00",
                "data": {"customer_id": customer_id, **data},
            },
            channel=channel,
        )
        return event

    def test_erasure_deletes_a_customer_nothing_refers_to_and_purges_payloads(self):
        signup = self.upsert("X1", name="Max", emails=["max@example.com"])
        other = self.upsert("X2", name="Ned", emails=["ned@example.com"])
        partner = self.bound(self.web, "X1")
        event = self.erase("X1", emails=["max@example.com"])
        self.assertEqual(event.state, "done", event.error_message)
        self.assertFalse(partner.exists())
        self.assertFalse(signup.payload)
        self.assertTrue(signup.payload_purged_at)
        self.assertFalse(event.payload, "the request itself names the customer")
        self.assertTrue(other.payload, "another customer's payload is kept")
        audit = self.env["retail.sync.customer.erasure"].search(
            [("event_id", "=", event.id)]
        )
        self.assertEqual(
            (audit.outcome, audit.customer_ref, audit.partner_ref, audit.events_purged),
            ("deleted", "X1", partner.id, 2),
        )

    def test_a_customer_with_posted_accounting_is_anonymized_and_archived(self):
        self.upsert(
            "Y1",
            name="Ola",
            emails=["ola@example.com"],
            phones=[{"number": "020 7946 0777"}],
            addresses=[{"street": "1 High St", "city": "London", "zip": "N1 1AA"}],
        )
        partner = self.bound(self.web, "Y1")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create({"name": "Lamp", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        invoice.action_post()
        event = self.erase("Y1")
        self.assertEqual(event.state, "done", event.error_message)
        partner.invalidate_recordset()
        self.assertTrue(partner.exists())
        self.assertFalse(partner.active)
        self.assertEqual(
            (partner.email, partner.phone, partner.street, partner.city),
            (False, False, False, False),
        )
        self.assertEqual(partner.name, f"Erased customer {partner.id}")
        self.assertTrue(partner.retail_sync_erased_at)
        self.assertEqual(invoice.partner_id, partner, "the invoice is kept")
        self.assertFalse(self.bound(self.web, "Y1"))
        audit = self.env["retail.sync.customer.erasure"].search(
            [("event_id", "=", event.id)]
        )
        self.assertEqual(audit.outcome, "anonymized")
        self.assertIn("posted accounting", audit.outcome_reason)
        # A later sign-up under the same id is someone new.
        self.upsert("Y1", name="Ola again", emails=["ola@example.com"])
        self.assertNotEqual(self.bound(self.web, "Y1"), partner)

    def test_erasure_of_an_unknown_customer_still_purges_and_audits(self):
        event = self.erase("NOBODY", emails=["nobody@example.com"])
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(event.result["outcome"], "not_found")


@tagged("post_install", "-at_install")
class TestOrdersUseTheMatching(CustomersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Customers central", "code": "CUC"}
        )
        cls.web.fulfilment_warehouse_id = cls.warehouse
        cls.lamp = cls.env["product.product"].create(
            {"name": "Lamp", "default_code": "CU-LAMP", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.lamp, cls.warehouse.lot_stock_id, 10
        )

    def order(self, ref, customer):
        (event,) = self.send(
            {
                "id": f"order-{ref}",
                "type": "ecom.order.created",
                "schema_version": 1,
                "sequence": 1,
                "occurred_at": "2026-11-27T10:00:00+00:00",
                "data": {
                    "order_ref": ref,
                    "lines": [{"sku": "CU-LAMP", "quantity": 1, "unit_price": 30.0}],
                    "customer": customer,
                },
            }
        )
        return event

    def sale_order(self, ref):
        return self.env["sale.order"].search([("client_order_ref", "=", ref)])

    def test_a_web_order_finds_its_customer_by_binding_then_phone(self):
        self.upsert("W-C1", name="Pia", emails=["pia@example.com"])
        partner = self.bound(self.web, "W-C1")
        event = self.order("CU-1", {"id": "W-C1", "email": "other@example.com"})
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.sale_order("CU-1").partner_id, partner)
        # No id: its (national) phone finds a customer made in Odoo.
        carl = self.Partner.create(
            {"name": "Quin", "phone": "+442079460888", "country_id": self.gb.id}
        )
        self.order("CU-2", {"email": "quin@example.com", "phone": "020 7946 0888"})
        self.assertEqual(self.sale_order("CU-2").partner_id, carl)

    def test_a_web_order_with_an_ambiguous_customer_waits_for_review(self):
        self.Partner.create({"name": "Rae A", "email": "rae@example.com"})
        chosen = self.Partner.create({"name": "Rae B", "email": "rae@example.com"})
        event = self.order("CU-3", {"email": "rae@example.com", "name": "Rae"})
        self.assertEqual(event.state, "waiting")
        self.assertFalse(self.sale_order("CU-3"))
        review = self.Review.search([("event_id", "=", event.id)])
        review.partner_id = chosen
        review.action_merge()
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.sale_order("CU-3").partner_id, chosen)

    def test_a_store_sale_names_its_customer_and_never_waits(self):
        store = self.env["stock.warehouse"].create({"name": "Cus store", "code": "CUS"})
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.pos.id,
                "kind": "store",
                "external_ref": "CUS",
                "record_ref": f"stock.warehouse,{store.id}",
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            self.lamp, store.lot_stock_id, 5
        )

        def sale(number, customer):
            return {
                "id": f"sale-{number}",
                "type": "pos.sale.completed",
                "schema_version": 1,
                "sequence": number,
                "occurred_at": "2026-11-27T10:00:00+00:00",
                "data": {
                    "store": "CUS",
                    "register": "R1",
                    "receipt_number": f"R-{number}",
                    "lines": [{"sku": "CU-LAMP", "quantity": 1, "unit_price": 30.0}],
                    "payments": [{"method": "card", "amount": 30.0}],
                    "customer": customer,
                },
            }

        self.upsert("TILL-S", channel=self.pos, name="Sam", emails=["sam@example.com"])
        sam = self.bound(self.pos, "TILL-S")
        (first,) = self.send(sale(1, {"id": "TILL-S"}), channel=self.pos)
        self.assertEqual(first.state, "done", first.error_message)
        self.assertEqual(first.result["customer"], sam.id)
        self.Partner.create({"name": "Tia A", "email": "tia@example.com"})
        self.Partner.create({"name": "Tia B", "email": "tia@example.com"})
        (second,) = self.send(sale(2, {"email": "tia@example.com"}), channel=self.pos)
        self.assertEqual(second.state, "done", second.error_message)
        self.assertTrue(second.result["customer_review"])
        review = self.Review.search([("event_id", "=", second.id)])
        self.assertEqual((review.state, review.waits), ("pending", False))
