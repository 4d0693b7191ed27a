from . import (
    test_channel,
    test_event_endpoint,
    test_event_form,
    test_event_security,
    test_menu_tour,
    test_retention,
)
