from . import (
    test_operator_actions,
    test_processing,
    test_retention,
    test_statistics,
)
