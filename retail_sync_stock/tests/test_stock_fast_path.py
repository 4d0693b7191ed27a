# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestStockFastPath(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Quant = cls.env["stock.quant"]
        cls.Movement = cls.env["retail.sync.stock.movement"]
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Fast path store", "code": "FPS"}
        )
        cls.shelf = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        Product = cls.env["product.product"]
        cls.shirt = Product.create({"name": "FP shirt", "is_storable": True})
        cls.cap = Product.create({"name": "FP cap", "is_storable": True})
        cls.service = Product.create({"name": "FP service", "type": "service"})
        cls.Quant._update_available_quantity(cls.shirt, cls.shelf, 10)

    def on_hand(self, product, location):
        return self.Quant._get_available_quantity(
            product, location, strict=True, allow_negative=True
        ) + sum(
            self.Quant._gather(product, location, strict=True).mapped(
                "reserved_quantity"
            )
        )

    def sell(self, product, quantity, reference="R-1"):
        return self.Movement._apply(
            [
                {
                    "event": self.env["retail.sync.event"],
                    "product": product,
                    "quantity": quantity,
                    "source": self.shelf,
                    "destination": self.customers,
                    "name": "POS sales FPS",
                    "reference": reference,
                }
            ]
        )

    def test_deltas_change_on_hand_like_odoo_does(self):
        self.Quant._apply_quantity_deltas(
            {
                (self.shirt, self.shelf): -3,
                (self.cap, self.shelf): 4,  # no quant yet: created
                (self.service, self.shelf): 5,  # not storable: no stock
                (self.shirt, self.customers): 0,  # nothing to do
            }
        )
        self.assertEqual(self.on_hand(self.shirt, self.shelf), 7)
        self.assertEqual(self.on_hand(self.cap, self.shelf), 4)
        self.assertEqual(
            self.shirt.with_context(location=self.shelf.id).qty_available, 7
        )
        self.assertFalse(self.Quant.search([("product_id", "=", self.service.id)]))
        # Odoo's own method sees the same quants afterwards.
        self.Quant._update_available_quantity(self.shirt, self.shelf, -2)
        self.assertEqual(self.on_hand(self.shirt, self.shelf), 5)

    def test_settlement_documents_without_moving_twice(self):
        self.sell(self.shirt, 2, "R-1")
        self.sell(self.shirt, 3, "R-2")
        self.sell(self.cap, 1, "R-3")
        self.assertEqual(self.on_hand(self.shirt, self.shelf), 5)
        self.assertEqual(self.on_hand(self.shirt, self.customers), 5)
        settled, pending = self.Movement._settle()
        self.assertEqual((settled, pending), (3, 0))
        moves = self.Movement.search([("product_id", "=", self.shirt.id)]).move_id
        self.assertEqual(len(moves), 1, "one move per product and route")
        self.assertEqual(moves.state, "done")
        self.assertEqual(moves.quantity, 5)
        self.assertIn("R-1, R-2", moves.reference or moves.name)
        self.assertTrue(moves.retail_sync_quants_applied)
        self.assertEqual(self.on_hand(self.shirt, self.shelf), 5)
        self.assertEqual(self.on_hand(self.shirt, self.customers), 5)
        self.assertEqual(self.on_hand(self.cap, self.shelf), -1)
        self.assertEqual(self.Movement._settle(), (0, 0))

    def test_a_refused_move_fails_its_changes_only(self):
        serial = self.env["product.product"].create(
            {"name": "FP serial", "is_storable": True, "tracking": "serial"}
        )
        self.sell(self.shirt, 1, "R-1")
        refused = self.sell(serial, 1, "R-2")
        self.assertEqual(self.Movement._settle(), (2, 0))
        self.assertEqual(refused.state, "failed")
        self.assertIn("Lot/Serial Number", refused.error_message)
        shirt_change = self.Movement.search([("product_id", "=", self.shirt.id)])
        self.assertEqual(shirt_change.state, "settled")
        self.assertEqual(shirt_change.move_id.state, "done")
        refused.action_retry()
        self.assertEqual(refused.state, "pending")

    def test_settlement_frees_a_reservation_stock_no_longer_holds(self):
        order_move = self.env["stock.move"].create(
            {
                "name": "web order",
                "product_id": self.shirt.id,
                "product_uom": self.shirt.uom_id.id,
                "product_uom_qty": 8,
                "location_id": self.shelf.id,
                "location_dest_id": self.customers.id,
            }
        )
        order_move._action_confirm()
        order_move._action_assign()
        self.assertEqual(order_move.state, "assigned")
        self.sell(self.shirt, 6)  # the store sold what the web order held
        self.Movement._settle()
        self.assertEqual(order_move.quantity, 4, "only what is left stays reserved")
        self.assertEqual(order_move.state, "partially_available")

    def test_operators_see_managers_settle(self):
        self.sell(self.shirt, 1)
        operator = new_test_user(
            self.env, "fp_operator", groups="retail_sync_core.group_user"
        )
        manager = new_test_user(
            self.env,
            "fp_manager",
            groups="retail_sync_core.group_manager,stock.group_stock_user",
        )
        Movement = self.Movement.with_user(operator)
        self.assertEqual(Movement.search_count([("state", "=", "pending")]), 1)
        with self.assertRaises(AccessError):
            Movement.action_settle_now()
        result = self.Movement.with_user(manager).action_settle_now()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(
            self.Movement.search([("product_id", "=", self.shirt.id)]).state,
            "settled",
        )
