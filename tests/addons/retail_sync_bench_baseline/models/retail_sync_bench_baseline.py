# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The baseline of the orders benchmark: one queue job per event.

The drain applies a key's events in one job, in order, behind an advisory lock.
The naive design it is compared with gives every event its own queue job, which
calls the event's contract handler and, when the event depends on something not
applied yet (a capture before its order), is simply tried again a second later.
Both ways use the same handlers, the same queue channels and the same bookkeeping
of applied events, so the benchmark compares only how the work is cut into jobs.

The baseline's jobs all have one priority, so they are dispatched in the order the
events arrived (an order before its capture). With the domains' own priorities the
captures (payments, 4) would go before their orders (orders, 5), fail, come back a
second later, still first, and with enough of them starve the orders for good: a
livelock the first version of this benchmark ran into.
"""

from types import SimpleNamespace

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine.errors import WaitingError
from odoo.addons.retail_sync_queue.models.retail_sync_drain import (
    DRAIN_MAX_RETRIES,
    _raise_if_concurrency_error,
)
from odoo.addons.retail_sync_queue.models.retail_sync_job import WAITING_STATES

# How the baseline's events are kept away from the drains until their own job
# applies them (the cron that re-enqueues idle keys ignores skipped events).
TAKEN_OVER = "applied by the benchmark baseline: one queue job per event"


class RetailSyncBenchBaseline(models.AbstractModel):
    _name = "retail.sync.bench.baseline"
    _description = "Retail Sync benchmark baseline: one queue job per event"

    @api.model
    def enqueue_one_job_per_event(self, channel_id, external_id_prefix):
        """Take the queued events of ``channel_id`` whose id starts with
        ``external_id_prefix`` from the drains and give each its own job, in the
        order they were received. Run it while the job runner is stopped (the
        benchmark does): the drain jobs of those keys are cancelled first.
        Returns how many jobs were enqueued. Administrators only."""
        if not self.env.is_admin():
            raise AccessError(self.env._("Only administrators run the benchmark."))
        Event = self.env["retail.sync.event"].sudo()
        events = Event.search(
            [
                ("channel_id", "=", channel_id),
                ("external_id", "=like", f"{external_id_prefix}%"),
                ("state", "in", ("received", "queued")),
            ],
            order="id",
        )
        Drain = self.env["retail.sync.drain"]
        identities = set()
        for key in set(events.mapped("ordering_key")):
            identity = Drain._key_identity(channel_id, key)
            identities.update({identity, identity + ":tail"})
        if identities:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM queue_job WHERE identity_key = ANY(%s)"
                    " AND state IN %s",
                    sorted(identities),
                    WAITING_STATES,
                )
            )
            job_ids = [row[0] for row in self.env.cr.fetchall()]
            self.env["queue.job"].sudo().browse(job_ids).button_cancelled()
        events.write({"state": "skipped", "state_reason": TAKEN_OVER})
        priority = max(
            (Drain._job_settings(domain)[1] for domain in set(events.mapped("domain"))),
            default=10,
        )
        for event in events:
            job_channel, _priority = Drain._job_settings(event.domain)
            self.with_user(SUPERUSER_ID).with_delay(
                channel=job_channel,
                priority=priority,
                max_retries=DRAIN_MAX_RETRIES,
                description=f"Bench baseline: apply event {event.id}",
            )._apply_event(event.id)
        return len(events)

    @api.model
    def cancel_baseline_jobs(self):
        """Cancel the baseline jobs not run yet (after a baseline that did not
        finish, so that they do not compete with what is measured next). Returns
        how many. Administrators only."""
        if not self.env.is_admin():
            raise AccessError(self.env._("Only administrators run the benchmark."))
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("model_name", "=", self._name),
                    ("method_name", "=", "_apply_event"),
                    ("state", "in", WAITING_STATES),
                ]
            )
        )
        jobs.button_cancelled()
        return len(jobs)

    @api.model
    def _apply_event(self, event_id):
        """Apply one event with its contract handler (a queue job)."""
        self = self.sudo()
        event = self.env["retail.sync.event"].browse(event_id)
        if event.state != "skipped" or event.state_reason != TAKEN_OVER:
            return "not taken over (already applied?)"
        try:
            with self.env.cr.savepoint():
                result = event._handler()._apply(event).get(event.id) or {}
                if isinstance(result, Exception):  # a batch handler's refusal
                    raise result
        except WaitingError as wait:
            # What the naive design does with a dependency: try again later.
            raise RetryableJobError(
                f"waiting for {wait.dependency}", seconds=1
            ) from wait
        except Exception as exc:
            _raise_if_concurrency_error(exc)
            raise
        # The drain's own bookkeeping of an applied event (state, times, order).
        self.env["retail.sync.drain"]._record_successes(
            [(event, result, SimpleNamespace(reason=None))]
        )
        return "applied"
