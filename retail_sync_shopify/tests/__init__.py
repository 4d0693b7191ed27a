from . import test_admin_api
from . import test_preset_v2
from . import test_shopify_push
