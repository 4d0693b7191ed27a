from . import (
    retail_sync_binding,
    retail_sync_event,
    retail_sync_stock_movement,
    stock_move,
    stock_move_line,
    stock_quant,
)
