# The shared POS handler first: the others inherit it.
from . import retail_sync_handler_pos

# isort: split
from . import (
    retail_sync_handler_pos_sale,
    retail_sync_handler_pos_stock_adjustment,
    retail_sync_handler_pos_stock_count,
)

# isort: split
from . import retail_sync_handler_pos_refund
