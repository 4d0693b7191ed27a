from . import test_batches, test_customers, test_erasure, test_ownership
