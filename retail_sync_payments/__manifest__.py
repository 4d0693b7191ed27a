# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Payments",
    "summary": "Channel payments and refunds: posted payments, credit notes, returns",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_ecom", "account", "sale_stock"],
    "data": [
        "security/ir.model.access.csv",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
        "views/retail_sync_payment_views.xml",
        "views/retail_sync_refund_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/sale_order_views.xml",
        "views/retail_sync_payments_menus.xml",
        "views/retail_sync_payment_aging_views.xml",
    ],
}
