# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync E-commerce",
    "summary": "Storefronts: web orders reserve stock, available-to-sell pushed back",
    "version": "18.0.2.1.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "retail_sync_queue",
        "retail_sync_stock",
        "sale_stock",
        "stock_delivery",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/retail_sync_ecom_rules.xml",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
        "data/retail_sync_pickup_data.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_stock_mismatch_views.xml",
        "views/retail_sync_shipment_views.xml",
        "views/sale_order_views.xml",
        "views/retail_sync_ecom_menus.xml",
        "security/retail_sync_order_aging_rules.xml",
        "views/retail_sync_order_aging_views.xml",
        "views/retail_sync_pickup_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "retail_sync_ecom/static/tests/tours/*.js",
        ],
    },
}
