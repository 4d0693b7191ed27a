# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync POS",
    "summary": "Store POS systems: sales, refunds and counts change Odoo stock at once",
    "version": "18.0.2.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_queue", "retail_sync_stock"],
    "data": [
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "retail_sync_pos/static/tests/tours/*.js",
        ],
    },
}
