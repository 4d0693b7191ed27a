# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Customers",
    "summary": "Customers in from storefronts and tills: E.164 phones, matching, "
    "review of ambiguous matches, erasure",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_ecom", "retail_sync_pos"],
    "external_dependencies": {"python": ["phonenumbers", "psycopg2"]},
    "data": [
        "security/ir.model.access.csv",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
        "data/retail_sync_field_owner_data.xml",
        "views/res_partner_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_customer_review_views.xml",
        "views/retail_sync_customer_erasure_views.xml",
        "views/retail_sync_customers_menus.xml",
    ],
}
