from . import (
    test_available_to_sell,
    test_channel_test_event,
    test_stock_mismatch,
    test_stock_mismatch_tour,
    test_web_orders,
)
