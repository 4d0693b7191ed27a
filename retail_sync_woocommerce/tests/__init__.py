from . import test_preset_v2, test_preset_v3, test_woocommerce_push
