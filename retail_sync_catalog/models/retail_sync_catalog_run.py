# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailSyncCatalogRun(models.Model):
    """A full catalog pass of one subscription: the checksum of every subscribed
    record sent in batches; the channel answers the records it lacks or holds
    differently, which are resent, and those it holds that Odoo no longer
    subscribes it to, which are removed."""

    _name = "retail.sync.catalog.run"
    _description = "Retail Sync: catalog full pass"
    _order = "id desc"

    subscription_id = fields.Many2one(
        "retail.sync.catalog.subscription",
        required=True,
        ondelete="cascade",
        index=True,
    )
    channel_id = fields.Many2one(related="subscription_id.channel_id", store=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    trigger = fields.Selection(
        [("scheduled", "Scheduled"), ("manual", "Resync button")],
        required=True,
        default="manual",
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="running",
        index=True,
    )
    total = fields.Integer("Records", help="Subscribed records when the pass started")
    checked = fields.Integer("Checksums sent")
    batches = fields.Integer("Requests")
    resend_count = fields.Integer("Records resent")
    removed_count = fields.Integer("Removals sent")
    last_product_id = fields.Integer(help="Where the next batch starts")
    progress = fields.Float(compute="_compute_progress")
    started_at = fields.Datetime(default=fields.Datetime.now)
    finished_at = fields.Datetime()
    error_message = fields.Text()

    @api.depends("checked", "total", "state")
    def _compute_progress(self):
        for run in self:
            if run.state == "done":
                run.progress = 100.0
            else:
                run.progress = 100.0 * run.checked / run.total if run.total else 0.0

    def action_cancel(self):
        self.env["retail.sync.channel"]._check_manager()
        self.filtered(lambda r: r.state == "running").write(
            {"state": "cancelled", "finished_at": fields.Datetime.now()}
        )
