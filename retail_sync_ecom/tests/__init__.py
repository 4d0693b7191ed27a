from . import test_available_to_sell, test_channel_test_event, test_web_orders
