from . import test_channel, test_menu_tour
