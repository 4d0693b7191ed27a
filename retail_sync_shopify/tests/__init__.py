from . import test_admin_api
from . import test_shopify_push
