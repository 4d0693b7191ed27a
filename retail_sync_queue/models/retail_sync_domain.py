# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailSyncDomain(models.Model):
    """Each domain drains on a queue_job channel of its own (root.retail_sync.<code>
    by default), so that a catalog backlog never delays stock; capacities are set
    in the server's [queue_job] channels option."""

    _inherit = "retail.sync.domain"

    job_channel_id = fields.Many2one(
        "queue.job.channel",
        string="Queue channel",
        ondelete="set null",
        help="queue_job channel of the jobs applying this domain's events. Empty: "
        "root.retail_sync.<code>, created with the domain.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        domains = super().create(vals_list)
        domains.filtered(lambda domain: not domain.job_channel_id)._link_job_channel()
        return domains

    @api.model
    def _link_job_channels(self):
        """Give every domain without one its queue channel (domains loaded by an
        addon installed before this one)."""
        self.with_context(active_test=False).search(
            [("job_channel_id", "=", False)]
        )._link_job_channel()

    def _link_job_channel(self):
        parent = self.env.ref("retail_sync_queue.queue_job_channel_retail_sync")
        Channel = self.env["queue.job.channel"].sudo()
        for domain in self:
            domain.job_channel_id = Channel.search(
                [("parent_id", "=", parent.id), ("name", "=", domain.code)], limit=1
            ) or Channel.create({"name": domain.code, "parent_id": parent.id})

    def _setting_values(self):
        values = super()._setting_values()
        values["job_channel"] = (
            self.job_channel_id.complete_name or f"root.retail_sync.{self.code}"
        )
        return values
