# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Umbrella module: data only (no Python), installs the whole Retail Sync suite.
{
    "name": "Retail Sync",
    "summary": "Store POS, storefronts and Odoo in sync within seconds",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": [
        "retail_sync_core",
        "retail_sync_queue",
        "retail_sync_stock",
        "retail_sync_pos",
        "retail_sync_ecom",
        "retail_sync_payments",
        "retail_sync_catalog",
        "retail_sync_customers",
        "retail_sync_finance",
        "retail_sync_mapping",
        "retail_sync_shopify",
        "retail_sync_woocommerce",
        "retail_sync_poller",
    ],
    "data": [],
}
