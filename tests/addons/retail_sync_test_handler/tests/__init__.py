from . import (
    test_dependencies,
    test_new_domain,
    test_operator_actions,
    test_processing,
    test_retention,
    test_statistics,
)
