from . import (
    test_available_to_sell,
    test_stock_mismatch,
    test_stock_mismatch_tour,
    test_web_orders,
)
