# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Finance",
    "summary": "Store revenue in the books every day, and reconciliation of Z "
    "reports and payouts with what Odoo recorded",
    "version": "18.0.1.0.0",
    "category": "Accounting",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_pos", "retail_sync_payments", "account"],
    "data": [
        "security/retail_sync_finance_groups.xml",
        "security/ir.model.access.csv",
        "security/retail_sync_finance_rules.xml",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_sync_finance_store_views.xml",
        "views/retail_sync_finance_tax_views.xml",
        "views/retail_sync_finance_receipt_views.xml",
        "views/retail_sync_store_day_views.xml",
        "views/retail_sync_store_day_total_views.xml",
        "views/retail_sync_day_report_views.xml",
        "views/retail_sync_payout_views.xml",
        "views/retail_sync_reconciliation_exception_views.xml",
        "views/retail_sync_finance_menus.xml",
    ],
}
