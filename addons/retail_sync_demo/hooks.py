# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# On-hand quantity of each demo product (by SKU) per warehouse code.
DEMO_STOCK = {
    "WH": {"RS-TEE-BLK-M": 120, "RS-TEE-WHT-M": 80, "RS-SNK-42": 40, "RS-CAP-RED": 60,
           "RS-JKT-NAVY-L": 25, "RS-BAG-TOTE": 150},
    "PAR": {"RS-TEE-BLK-M": 12, "RS-TEE-WHT-M": 9, "RS-SNK-42": 4, "RS-CAP-RED": 7,
            "RS-JKT-NAVY-L": 3, "RS-BAG-TOTE": 20},
    "LYO": {"RS-TEE-BLK-M": 8, "RS-TEE-WHT-M": 6, "RS-SNK-42": 2, "RS-CAP-RED": 5,
            "RS-JKT-NAVY-L": 2, "RS-BAG-TOTE": 14},
    "MRS": {"RS-TEE-BLK-M": 6, "RS-TEE-WHT-M": 5, "RS-SNK-42": 3, "RS-CAP-RED": 4,
            "RS-JKT-NAVY-L": 1, "RS-BAG-TOTE": 10},
}  # fmt: skip


def post_init_hook(env):
    """Put the demo products on hand in the central warehouse and in every store."""
    Quant = env["stock.quant"]
    for warehouse_code, quantities in DEMO_STOCK.items():
        warehouse = env["stock.warehouse"].search(
            [("code", "=", warehouse_code), ("company_id", "=", env.company.id)],
            limit=1,
        )
        for sku, quantity in quantities.items():
            product = env["product.product"].search([("default_code", "=", sku)])
            Quant._update_available_quantity(product, warehouse.lot_stock_id, quantity)
