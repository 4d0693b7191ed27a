from . import test_dead_letter_tour, test_pos_stock
