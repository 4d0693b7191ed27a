from . import test_payment_aging, test_payments, test_refunds
