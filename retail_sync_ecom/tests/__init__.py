from . import test_available_to_sell, test_web_orders
