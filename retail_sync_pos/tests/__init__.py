from . import test_pos_stock
