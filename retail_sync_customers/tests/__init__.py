from . import test_customers, test_erasure, test_ownership
