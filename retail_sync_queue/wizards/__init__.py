from . import retail_sync_event_action_wizard
