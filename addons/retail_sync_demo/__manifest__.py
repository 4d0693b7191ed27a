# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Demo Data",
    "summary": "Stores, a web shop, a 3PL, stocked products, a web order's "
    "lifecycle and a store day in the books to try Retail Sync",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "retail_sync_pos",
        "retail_sync_ecom",
        "retail_sync_payments",
        "retail_sync_catalog",
        "retail_sync_customers",
        "retail_sync_finance",
    ],
    # Demo-only addon: its records are its data, so they load with or without Odoo's
    # own demo data.
    "data": [
        "data/stock_warehouse_data.xml",
        "data/product_product_data.xml",
        "data/retail_sync_channel_data.xml",
        "data/retail_sync_binding_data.xml",
        "data/retail_sync_catalog_subscription_data.xml",
        "data/retail_sync_customer_data.xml",
    ],
    "post_init_hook": "post_init_hook",
}
