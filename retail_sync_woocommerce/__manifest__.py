# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync WooCommerce",
    "summary": "Available-to-sell pushed to WooCommerce through products/batch "
    "(100 per call), drift read from the shop's own stock",
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
        "retail_sync_payments",
        "retail_sync_customers",
    ],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "data/retail_sync_mapping_data.xml",
        "views/retail_sync_channel_views.xml",
    ],
}
