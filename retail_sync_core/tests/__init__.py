from . import (
    test_alert,
    test_channel,
    test_event_endpoint,
    test_event_form,
    test_event_security,
    test_ingest_fuzz,
    test_locks,
    test_menu_tour,
    test_openapi,
    test_overview,
    test_retention,
)
