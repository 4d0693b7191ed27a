from . import test_stock_fast_path
