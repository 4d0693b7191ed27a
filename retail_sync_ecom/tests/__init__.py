from . import (
    test_available_to_sell,
    test_channel_test_event,
    test_click_and_collect,
    test_order_aging,
    test_order_status,
    test_order_updates,
    test_shipments,
    test_stock_mismatch,
    test_stock_mismatch_tour,
    test_web_orders,
)
