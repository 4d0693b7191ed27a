# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.retail_sync_queue.tests.common import DrainMixin


class StoreMixin(DrainMixin):
    """A store (its own warehouse) with a POS channel bound to it, and products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["retail.sync.event"]
        cls.Movement = cls.env["retail.sync.stock.movement"]
        cls.store = cls.env["stock.warehouse"].create(
            {"name": "Test store", "code": "TST"}
        )
        cls.shelf = cls.store.lot_stock_id
        cls.channel, cls.key = cls.make_channel("POS-TST")
        cls.bind(cls.channel, "store", "TST", cls.store)
        Product = cls.env["product.product"]
        cls.shirt = Product.create(
            {
                "name": "Shirt",
                "default_code": "T-SHIRT",
                "barcode": "2000000000015",
                "is_storable": True,
            }
        )
        cls.socks = Product.create(
            {"name": "Socks", "default_code": "T-SOCKS", "is_storable": True}
        )
        cls.gift_card = Product.create(
            {"name": "Gift card", "default_code": "T-GIFT", "type": "service"}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.shirt, cls.shelf, 20)
        Quant._update_available_quantity(cls.socks, cls.shelf, 10)

    @classmethod
    def bind(cls, channel, kind, reference, record):
        return cls.env["retail.sync.binding"].create(
            {
                "channel_id": channel.id,
                "kind": kind,
                "external_ref": reference,
                "record_ref": f"{record._name},{record.id}",
            }
        )

    def settle(self):
        """Run the settlement tier; return the stock moves it validated."""
        before = self.env["stock.move"].search([]).ids
        self.Movement._settle()
        return self.env["stock.move"].search([("id", "not in", before)])

    def on_hand(self, product, location=None):
        return product.with_context(location=(location or self.shelf).id).qty_available

    def sale(self, event_id, sequence, lines, register="R1", store="TST", **data):
        return {
            "id": event_id,
            "type": "pos.sale.completed",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "sequence": sequence,
            "data": {
                "store": store,
                "register": register,
                "receipt_number": f"R-{event_id}",
                "lines": [
                    {"sku": sku, "quantity": quantity, "unit_price": 10.0}
                    for sku, quantity in lines
                ],
                "payments": [{"method": "card", "amount": 10.0}],
                **data,
            },
        }
