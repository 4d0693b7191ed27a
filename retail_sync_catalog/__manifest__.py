# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Catalog",
    "summary": "Products, variants and prices pushed from Odoo to subscribed channels, "
    "with a scheduled full pass that repairs drift",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_ecom", "product"],
    "external_dependencies": {"python": ["jsonschema"]},
    "data": [
        "security/ir.model.access.csv",
        "security/retail_sync_catalog_rules.xml",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_catalog_field_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_sync_catalog_subscription_views.xml",
        "views/retail_sync_catalog_pending_views.xml",
        "views/retail_sync_catalog_run_views.xml",
        "views/retail_sync_catalog_state_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_catalog_menus.xml",
    ],
}
