# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class QueueJob(models.Model):
    _inherit = "queue.job"

    def related_action_retail_sync_events(self):
        """The Related button of a drain job: the events it applies."""
        self.ensure_one()
        args = self.args or []
        if self.method_name == "_drain_key" and len(args) == 2:
            domain = [("channel_id", "=", args[0]), ("ordering_key", "=", args[1])]
        elif self.method_name == "_drain_domain" and args:
            domain = [("domain", "=", args[0])]
        else:
            return None
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_sync_core.retail_sync_event_action"
        )
        action.update({"domain": domain, "context": {}, "name": self.name})
        return action
