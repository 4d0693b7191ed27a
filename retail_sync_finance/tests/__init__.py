from . import test_access, test_reconciliation, test_store_day
