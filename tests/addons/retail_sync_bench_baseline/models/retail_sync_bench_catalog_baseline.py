# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The baseline of the catalog benchmark: one push per price change.

retail_sync_catalog marks a changed record pending, waits for the end of its
coalescing window and pushes every due record of a subscription in one signed
batch. The naive design it is compared with sends each changed price on its own:
one queue job per changed record and subscription, enqueued when the change
commits, which computes that record's document and POSTs it alone. Both ways use
the same documents, versions, deliveries and signatures, on the same queue
channel, so the benchmark compares only how the pushes are cut.

Only a transaction run with the context key ``CONTEXT_KEY`` (the benchmark's
baseline import) is pushed this way; every other change keeps the catalog's own
marking."""

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_queue.models.retail_sync_job import WAITING_STATES

CONTEXT_KEY = "retail_sync_bench_one_push_per_change"
MARKS = "retail_sync_bench.catalog_one_push"


class RetailSyncBenchCatalogBaseline(models.AbstractModel):
    _name = "retail.sync.bench.catalog.baseline"
    _description = "Retail Sync benchmark baseline: one catalog push per change"

    @api.model
    def _mark(self, pricelist_products):
        """Remember, for this transaction's commit, the records whose price
        changed in these pricelists ({pricelist id: product ids or None})."""
        precommit = self.env.cr.precommit
        if MARKS not in precommit.data:
            precommit.data[MARKS] = {}
            precommit.add(self._enqueue_marks)
        marks = precommit.data[MARKS]
        Product = self.env["product.product"].sudo()
        for pricelist_id, ids in pricelist_products.items():
            if ids is None:  # a global rule: every product (the naive way)
                ids = set(Product._search([]))
            marks.setdefault(pricelist_id, set()).update(ids)

    @api.model
    def _enqueue_marks(self):
        """Before commit: one job per changed record and subscription of its
        pricelist, on the catalog's queue channel at the catalog's priority."""
        marks = self.env.cr.precommit.data.pop(MARKS, None)
        if not marks:
            return
        Subscription = self.env["retail.sync.catalog.subscription"]
        domain = self.env.ref("retail_sync_catalog.retail_sync_domain_catalog")
        channel = domain.job_channel_id.complete_name or "root.retail_sync.catalog"
        for subscription in Subscription._live_subscriptions():
            ids = marks.get(subscription.pricelist_id.id)
            for product_id in sorted(subscription._concerned(ids or ())):
                self.with_user(SUPERUSER_ID).with_delay(
                    channel=channel,
                    priority=domain.priority or 15,
                    description=(
                        f"Bench baseline: push product {product_id} to "
                        f"{subscription.channel_id.code}"
                    ),
                )._push_one_change(subscription.id, product_id)

    @api.model
    def cancel_jobs(self):
        """Cancel the baseline's jobs not run yet, and the catalog jobs of
        archived channels (an earlier run's, whose servers are gone), so that
        they do not compete with what is measured next. Returns how many.
        Administrators only."""
        if not self.env.is_admin():
            raise AccessError(self.env._("Only administrators run the benchmark."))
        Job = self.env["queue.job"].sudo()
        jobs = Job.search(
            [
                ("model_name", "=", self._name),
                ("method_name", "=", "_push_one_change"),
                ("state", "in", WAITING_STATES),
            ]
        )
        archived = (
            self.env["retail.sync.catalog.subscription"]
            .sudo()
            .with_context(active_test=False)
            .search([("channel_id.active", "=", False)])
        )
        for subscription in archived:
            key = f"retail_sync.catalog:{subscription.id}"
            jobs |= Job.search(
                [
                    "|",
                    "|",
                    ("identity_key", "=", key),
                    ("identity_key", "=like", f"{key}:%"),
                    (
                        "identity_key",
                        "=like",
                        f"retail_sync.catalog_pass:{subscription.id}:%",
                    ),
                    ("state", "in", WAITING_STATES),
                ]
            )
        jobs.button_cancelled()
        return len(jobs)

    @api.model
    def _push_one_change(self, subscription_id, product_id):
        """Compute one record's document and POST it alone (a queue job)."""
        subscription = (
            self.env["retail.sync.catalog.subscription"].sudo().browse(subscription_id)
        )
        if not subscription.channel_id.active:
            return "channel archived"
        documents = subscription._documents_to_send({product_id}, {product_id}, {})
        if not documents:
            return "nothing to send"
        payload = {
            "type": "catalog.batch",
            "schema_version": 1,
            "channel": subscription.channel_id.code,
            "generated_at": documents[0][0]["changed_at"],
            "documents": [document for document, _row in documents],
        }
        delivery = (
            self.env["retail.sync.delivery"]
            .sudo()
            .create(
                {
                    "channel_id": subscription.channel_id.id,
                    "topic": "catalog.batch",
                    "payload": payload,
                    "item_count": len(documents),
                }
            )
        )
        outcome = delivery._send()
        if outcome == "retry":
            raise RetryableJobError("the channel did not take the push", seconds=1)
        if outcome == "delivered":
            self.env["retail.sync.catalog.state"]._record(
                subscription, [row for _document, row in documents], delivery
            )
        return outcome
