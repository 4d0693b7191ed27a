from . import test_woocommerce_push
