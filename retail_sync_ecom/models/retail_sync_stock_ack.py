# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .retail_sync_channel import TOPIC


class RetailSyncStockAck(models.Model):
    """The last available-to-sell figure a channel acknowledged, per product.

    Written by the push job in the transaction that records a 2xx answer, so the
    stock comparison reads one row per (channel, product) instead of the JSON of
    every delivery (which the retention policy purges anyway). Only a higher
    version replaces a row."""

    _name = "retail.sync.stock.ack"
    _description = "Retail Sync: figure acknowledged by a channel"
    _log_access = False
    _order = "channel_id, product_id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    sku = fields.Char("SKU")
    available = fields.Float("Acknowledged figure")
    version = fields.Integer()
    acknowledged_at = fields.Datetime()
    delivery_id = fields.Many2one("retail.sync.delivery", ondelete="set null")

    _sql_constraints = [
        (
            "channel_product_unique",
            "unique(channel_id, product_id)",
            "One acknowledged figure per channel and product.",
        ),
    ]

    @api.model
    def _record(self, delivery):
        """Remember the figures of a delivery the channel answered 2xx for."""
        figures = (delivery.payload or {}).get("figures") or []
        if not figures:
            return
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s)",
                delivery.channel_id.id,
                figure["product_id"],
                figure["sku"],
                figure["available"],
                figure["version"],
                delivery.delivered_at or fields.Datetime.now(),
                delivery.id,
            )
            for figure in figures
        )
        self._upsert(SQL("VALUES %s", rows))

    def _upsert(self, rows):
        """Insert (channel, product, sku, available, version, acknowledged at,
        delivery) rows; an existing row changes only for a higher version."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_stock_ack (channel_id, product_id, sku,
                       available, version, acknowledged_at, delivery_id)
                %s
                ON CONFLICT (channel_id, product_id) DO UPDATE
                   SET sku = EXCLUDED.sku, available = EXCLUDED.available,
                       version = EXCLUDED.version,
                       acknowledged_at = EXCLUDED.acknowledged_at,
                       delivery_id = EXCLUDED.delivery_id
                 WHERE retail_sync_stock_ack.version < EXCLUDED.version
                """,
                rows,
            )
        )
        self.invalidate_model()

    def init(self):
        # A database that pushed before this table existed: take the figures from
        # the deliveries still holding their payload, once (the table is empty).
        self.env.cr.execute("SELECT 1 FROM retail_sync_stock_ack LIMIT 1")
        if not self.env.cr.fetchone():
            self._backfill_from_deliveries()

    @api.model
    def _backfill_from_deliveries(self):
        """The highest-version figure per channel and product found in delivered
        pushes (a one-off scan of their JSON)."""
        self._upsert(
            SQL(
                """
                SELECT DISTINCT ON (d.channel_id, (f->>'product_id')::int)
                       d.channel_id, (f->>'product_id')::int, f->>'sku',
                       (f->>'available')::float, (f->>'version')::int,
                       d.delivered_at, d.id
                  FROM retail_sync_delivery d
                 CROSS JOIN jsonb_array_elements(d.payload->'figures') f
                  JOIN product_product p ON p.id = (f->>'product_id')::int
                 WHERE d.state = 'delivered' AND d.topic = %s
                   AND d.payload IS NOT NULL
                 ORDER BY d.channel_id, (f->>'product_id')::int,
                          (f->>'version')::int DESC
                """,
                TOPIC,
            )
        )
