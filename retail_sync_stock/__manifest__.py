# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Stock",
    "summary": "Store stock on hand at once, its stock moves in a batch tier",
    "version": "18.0.2.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "external_dependencies": {"python": ["psycopg2"]},
    "depends": ["retail_sync_core", "stock"],
    "data": [
        "security/ir.model.access.csv",
        "security/retail_sync_stock_rules.xml",
        "data/retail_sync_domain_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_sync_stock_movement_views.xml",
        "views/retail_sync_stock_menus.xml",
    ],
}
