from . import test_admin_api, test_preset_v2, test_shopify_push
