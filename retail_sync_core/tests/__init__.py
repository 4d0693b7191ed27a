from . import (
    test_alert,
    test_channel,
    test_event_endpoint,
    test_menu_tour,
    test_overview,
)
