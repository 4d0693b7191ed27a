from . import retail_sync_secret_wizard
