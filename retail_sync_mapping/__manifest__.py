# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Native Mapping",
    "summary": "Native Shopify and WooCommerce webhooks mapped to canonical events "
    "by editable JMESPath mappings",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_queue"],
    "external_dependencies": {"python": ["jmespath"]},
    "data": [
        "security/ir.model.access.csv",
        "data/retail_sync_mapping_data.xml",
        "wizards/retail_sync_mapping_try_views.xml",
        "views/retail_sync_mapping_views.xml",
        "views/retail_sync_native_message_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_mapping_menus.xml",
    ],
}
