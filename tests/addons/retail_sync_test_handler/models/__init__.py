from . import (
    retail_sync_handler_test_loyalty,
    retail_sync_handler_test_script,
    retail_sync_test_loyalty_balance,
)
