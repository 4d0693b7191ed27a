# The shared payment handler first: the others inherit it.
from . import retail_sync_handler_payment

# isort: split
from . import (
    account_move,
    retail_sync_channel,
    retail_sync_handler_payment_authorized,
    retail_sync_handler_payment_captured,
    retail_sync_handler_payment_failed,
    retail_sync_handler_payment_voided,
    retail_sync_handler_refund_issued,
    retail_sync_payment,
    retail_sync_payment_method,
    retail_sync_refund,
    sale_order,
)

# The payment conditions of the Order aging view read the tables above: after them.
# isort: split
from . import retail_sync_payment_aging
