from . import test_preset_v2
from . import test_woocommerce_push
