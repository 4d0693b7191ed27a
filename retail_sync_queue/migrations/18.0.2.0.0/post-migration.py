# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the drain engine moved from retail.sync.event to retail.sync.drain.

The stuck-key cron (noupdate data) is pointed at the new model; drain jobs still
waiting under the old model are cancelled, and the cron enqueues their keys again on
its next run (their events are untouched)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("retail_sync_queue.ir_cron_requeue_stuck_keys", False)
    if cron:
        cron.model_id = env["ir.model"]._get("retail.sync.drain")
    cr.execute(
        """
        UPDATE queue_job SET state = 'cancelled'
         WHERE model_name = 'retail.sync.event'
           AND method_name IN ('_drain_key', '_drain_domain')
           AND state IN ('wait_dependencies', 'pending', 'enqueued')
        """
    )
