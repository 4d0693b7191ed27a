from . import test_channel, test_event_endpoint, test_menu_tour, test_retention
