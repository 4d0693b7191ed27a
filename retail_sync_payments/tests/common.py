# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools

from odoo.addons.retail_sync_queue.tests.common import DrainMixin, perform_pending_jobs

_ids = itertools.count(1)


class PaymentsMixin(DrainMixin):
    """A storefront with a card method mapped to a journal of its own, a stocked
    product with the company's sale tax, and builders of its events. Events go
    through the inbox (Event._receive) and the real drain jobs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["retail.sync.event"]
        cls.Payment = cls.env["retail.sync.payment"]
        cls.Refund = cls.env["retail.sync.refund"]
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Payments central", "code": "PYC"}
        )
        cls.channel, cls.key = cls.make_channel(
            "PAY-T", kind="ecommerce", fulfilment_warehouse_id=cls.warehouse.id
        )
        cls.card_journal = cls.env["account.journal"].create(
            {"name": "Card payments", "code": "TCRD", "type": "bank"}
        )
        cls.env["retail.sync.payment.method"].create(
            {
                "channel_id": cls.channel.id,
                "code": "card",
                "journal_id": cls.card_journal.id,
            }
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "Test VAT 21%",
                "amount": 21,
                "amount_type": "percent",
                "type_tax_use": "sale",
            }
        )
        cls.lamp = cls.env["product.product"].create(
            {
                "name": "Lamp",
                "default_code": "P-LAMP",
                "is_storable": True,
                "list_price": 30,
                "taxes_id": [(6, 0, cls.tax.ids)],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.lamp, cls.warehouse.lot_stock_id, 10
        )

    # ------------------------------------------------------------------ events
    def order_event(self, ref, quantity=2, unit_price=30.0):
        return {
            "id": f"created-{ref}",
            "type": "ecom.order.created",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "data": {
                "order_ref": ref,
                "lines": [
                    {"sku": "P-LAMP", "quantity": quantity, "unit_price": unit_price}
                ],
                "customer": {"email": "pat@example.com", "name": "Pat Example"},
            },
        }

    def payment_event(self, kind, payment_ref, event_id=None, **data):
        values = {
            "payment_ref": payment_ref,
            "amount": 72.6,
            "currency": self.currency.name,
            "method": "card",
        }
        values.update(data)
        if kind == "voided":
            values = {
                key: value
                for key, value in values.items()
                if key in ("payment_ref", "order_ref", "reason")
            }
        return {
            "id": event_id or f"{kind}-{payment_ref}-{next(_ids)}",
            "type": f"payment.{kind}",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:05:00+01:00",
            "data": values,
        }

    def refund_event(self, refund_ref, payment_ref, amount, event_id=None, **data):
        return {
            "id": event_id or f"refund-{refund_ref}-{next(_ids)}",
            "type": "refund.issued",
            "schema_version": 1,
            "occurred_at": "2026-11-27T11:00:00+01:00",
            "data": {
                "refund_ref": refund_ref,
                "payment_ref": payment_ref,
                "amount": amount,
                "currency": self.currency.name,
                **data,
            },
        }

    # ----------------------------------------------------------------- helpers
    def send(self, *events):
        """Ingest as the endpoint does, then run the drain jobs as the jobrunner
        would (no cron)."""
        self.ingest(*events)
        perform_pending_jobs(self.env)

    def sale_order(self, ref):
        return self.env["sale.order"].search(
            [("client_order_ref", "=", ref), ("company_id", "=", self.company.id)]
        )

    def web_order(self, ref, quantity=2, unit_price=30.0):
        self.send(self.order_event(ref, quantity, unit_price))
        order = self.sale_order(ref)
        self.assertEqual(order.state, "sale")
        return order

    def account_payments(self, payment_ref, payment_type="inbound"):
        return self.env["account.payment"].search(
            [
                ("payment_reference", "=", payment_ref),
                ("payment_type", "=", payment_type),
            ]
        )

    def deliver(self, order):
        picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        for move in picking.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def free(self):
        return self.lamp.with_context(location=self.warehouse.lot_stock_id.id).free_qty

    def on_hand(self):
        return self.lamp.with_context(
            location=self.warehouse.lot_stock_id.id
        ).qty_available
