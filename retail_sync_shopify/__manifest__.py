# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Shopify",
    "summary": "Available-to-sell pushed to Shopify with inventorySetQuantities "
    "(compare-and-set, idempotency keys, cost throttling), drift read from Shopify",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "retail_sync_mapping",
        "retail_sync_ecom",
        "retail_sync_customers",
        "retail_sync_payments",
    ],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "data/retail_sync_mapping_data.xml",
        "views/retail_sync_shopify_level_views.xml",
        "views/retail_sync_channel_views.xml",
    ],
}
