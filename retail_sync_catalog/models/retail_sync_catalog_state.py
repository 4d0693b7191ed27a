# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class RetailSyncCatalogState(models.Model):
    """The last catalog document a channel acknowledged, per record: its version
    and checksums. The push job is the only writer (one per subscription at a
    time); it sends a record again only when its fresh document differs."""

    _name = "retail.sync.catalog.state"
    _description = "Retail Sync: catalog record held by a channel"
    _log_access = False
    _order = "subscription_id, product_id"

    subscription_id = fields.Many2one(
        "retail.sync.catalog.subscription",
        required=True,
        ondelete="cascade",
        index=True,
    )
    channel_id = fields.Many2one(related="subscription_id.channel_id")
    product_id = fields.Integer("Product id", required=True)
    sku = fields.Char("SKU")
    version = fields.Integer(required=True)
    checksum = fields.Char(required=True)
    base_checksum = fields.Char(help="Checksum without the price part")
    price = fields.Char(help="The price last sent, as an exact decimal")
    removed = fields.Boolean(help="The channel was last sent this record's removal")
    pushed_at = fields.Datetime()
    delivery_id = fields.Many2one("retail.sync.delivery", ondelete="set null")

    _sql_constraints = [
        (
            "record_unique",
            "unique(subscription_id, product_id)",
            "One state per record and subscription.",
        ),
    ]

    @api.model
    def _held(self, subscription, product_ids):
        """{product id: {checksum, base_checksum, removed, version}}."""
        self.env.cr.execute(
            SQL(
                "SELECT product_id, checksum, base_checksum, removed, version"
                "  FROM retail_sync_catalog_state"
                " WHERE subscription_id = %s AND product_id = ANY(%s)",
                subscription.id,
                list(product_ids),
            )
        )
        return {
            row[0]: {
                "checksum": row[1],
                "base_checksum": row[2],
                "removed": row[3],
                "version": row[4],
            }
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _record(self, subscription, rows, delivery):
        """Upsert what the channel now holds: rows of (product id, sku, version,
        checksum, base checksum, price, removed)."""
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, %s, %s)", *row) for row in rows
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_catalog_state
                       (subscription_id, product_id, sku, version, checksum,
                        base_checksum, price, removed, pushed_at, delivery_id)
                SELECT %(sub)s, r.product_id, r.sku, r.version, r.checksum,
                       r.base_checksum, r.price, r.removed,
                       now() at time zone 'UTC', %(delivery)s
                  FROM (VALUES %(values)s)
                       AS r(product_id, sku, version, checksum, base_checksum,
                            price, removed)
                ON CONFLICT (subscription_id, product_id) DO UPDATE
                   SET sku = EXCLUDED.sku, version = EXCLUDED.version,
                       checksum = EXCLUDED.checksum,
                       base_checksum = EXCLUDED.base_checksum,
                       price = EXCLUDED.price, removed = EXCLUDED.removed,
                       pushed_at = EXCLUDED.pushed_at,
                       delivery_id = EXCLUDED.delivery_id
                 WHERE retail_sync_catalog_state.version < EXCLUDED.version
                """,
                sub=subscription.id,
                delivery=delivery.id,
                values=values,
            )
        )
        self.invalidate_model()
