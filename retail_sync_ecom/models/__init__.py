# The shared web order handler first: the others inherit it.
from . import retail_sync_handler_ecom_order

# isort: split
from . import (
    retail_sync_binding,
    retail_sync_channel,
    retail_sync_handler_ecom_order_cancelled,
    retail_sync_handler_ecom_order_created,
    retail_sync_handler_ecom_order_updated,
    retail_sync_handler_shipment_confirmed,
    retail_sync_order_status,
    retail_sync_order_status_pending,
    retail_sync_pickup_order,
    retail_sync_push_pending,
    retail_sync_shipment,
    retail_sync_stock_ack,
    retail_sync_stock_mismatch,
    sale_order,
    stock_move,
    stock_picking,
    stock_quant,
)

# The pickup handlers build on the shipment handler, then on their shared one.
# isort: split
from . import retail_sync_handler_pickup

# isort: split
from . import (
    retail_sync_handler_pickup_collected,
    retail_sync_handler_pickup_expired,
    retail_sync_handler_pickup_ready,
)

# The Order aging report is a SQL view over the columns the models above add (to
# sale.order, retail.sync.channel): created after them.
# isort: split
from . import retail_sync_order_aging
