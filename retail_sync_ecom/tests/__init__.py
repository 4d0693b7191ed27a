from . import test_web_orders
