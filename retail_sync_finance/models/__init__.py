from . import (
    retail_sync_day_report,
    retail_sync_finance_receipt,
    retail_sync_finance_store,
    retail_sync_finance_tax,
    retail_sync_handler_payout_reported,
    retail_sync_handler_pos_day_closed,
    retail_sync_handler_pos_sale,
    retail_sync_payout,
    retail_sync_reconciliation_exception,
    retail_sync_store_day,
    retail_sync_store_day_total,
)
