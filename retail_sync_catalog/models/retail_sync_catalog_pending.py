# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

CHANGED = "retail_sync.catalog_changed"


class RetailSyncCatalogPending(models.Model):
    """Products whose catalog document a subscribed channel has not received yet.

    Inserted (insert only: a user saving a product never waits on a push in
    flight) just before the commit of any product, variant or pricelist change,
    one row per record and subscription in a transaction; consumed by the
    subscription's push job once the record's first row is due (``due_at``: the
    change plus the coalescing window), which computes each document fresh, so
    every change of a record within the window becomes one document with the
    final value."""

    _name = "retail.sync.catalog.pending"
    _description = "Retail Sync: catalog record to push"
    _log_access = False
    _order = "id"

    subscription_id = fields.Many2one(
        "retail.sync.catalog.subscription",
        required=True,
        ondelete="cascade",
        index=True,
    )
    channel_id = fields.Many2one(related="subscription_id.channel_id")
    # Not a foreign key: a deleted product must still be sent its removal.
    product_id = fields.Integer("Product id", required=True)
    product_ref = fields.Many2one(
        "product.product", "Product", compute="_compute_product_ref"
    )
    reason = fields.Selection(
        [
            ("change", "Changed in Odoo"),
            ("repair", "Full pass: the channel differs"),
            ("subscription", "Subscription changed"),
        ],
        required=True,
        default="change",
    )
    create_date = fields.Datetime(default=fields.Datetime.now)
    due_at = fields.Datetime(
        "Due at",
        required=True,
        help="When the coalescing window of this change ends and it may be sent.",
    )

    def init(self):
        # The push job groups the pending rows of a subscription by record.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS retail_sync_catalog_pending_record_idx"
            " ON retail_sync_catalog_pending (subscription_id, product_id, id)"
        )
        # It takes the oldest due rows of a subscription first.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS retail_sync_catalog_pending_order_idx"
            " ON retail_sync_catalog_pending (subscription_id, id)"
        )

    def _compute_product_ref(self):
        Product = self.env["product.product"].with_context(active_test=False)
        existing = set(Product.browse(self.mapped("product_id")).exists().ids)
        for row in self:
            row.product_ref = row.product_id if row.product_id in existing else False

    # ------------------------------------------------------------ marking
    @api.model
    def _mark(self, product_ids=(), pricelist_ids=(), pricelist_products=None):
        """Remember, for the commit of this transaction, that these products
        changed; ``pricelist_products`` {pricelist id: product ids or None for all}
        changed only for the subscriptions using that pricelist."""
        precommit = self.env.cr.precommit
        if CHANGED not in precommit.data:
            precommit.data[CHANGED] = {"products": set(), "pricelists": {}}
            precommit.add(self._flush_marks)
        marks = precommit.data[CHANGED]
        marks["products"].update(product_ids)
        for pricelist_id, ids in (pricelist_products or {}).items():
            current = marks["pricelists"].get(pricelist_id, set())
            if ids is None or current is None:
                marks["pricelists"][pricelist_id] = None
            else:
                marks["pricelists"][pricelist_id] = current | set(ids)

    @api.model
    def _flush_marks(self):
        """Before commit: one row per changed record and subscription that holds
        it or should, one push job per subscription, in the transaction of the
        change."""
        marks = self.env.cr.precommit.data.pop(CHANGED, None)
        if not marks:
            return
        self = self.sudo()
        self.env.flush_all()
        Subscription = self.env["retail.sync.catalog.subscription"]
        for subscription in Subscription._live_subscriptions():
            ids = set(marks["products"])
            pricelist = subscription.pricelist_id.id
            if pricelist in marks["pricelists"]:
                extra = marks["pricelists"][pricelist]
                if extra is None:
                    subscription._queue_everything("change")
                    continue
                ids |= extra
            if ids:
                subscription._queue(subscription._concerned(ids), "change")

    @api.model
    def _insert(self, subscription, ids_query, reason, due_now=False):
        """The one writer of pending rows: the product ids ``ids_query`` selects,
        for ``subscription``, due after its window (or at once), and its push
        job."""
        window = 0 if due_now else subscription._window_seconds()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_catalog_pending (subscription_id, product_id,
                                                         reason, create_date, due_at)
                SELECT %(sub)s, ids.id, %(reason)s, now() at time zone 'UTC',
                       now() at time zone 'UTC' + make_interval(secs => %(window)s)
                  FROM (%(ids)s) AS ids(id)
                """,
                sub=subscription.id,
                reason=reason,
                window=window,
                ids=ids_query,
            )
        )
        inserted = self.env.cr.rowcount
        # A channel without a ready endpoint gets its push when it is set up
        # (retail.sync.channel.write): the rows wait.
        if inserted and subscription.channel_id._pushes_ready():
            subscription._enqueue_push(delay=window)
        return inserted
