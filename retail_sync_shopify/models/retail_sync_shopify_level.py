# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class RetailSyncShopifyLevel(models.Model):
    """What Retail Sync knows of one Shopify inventory level (an inventory item
    at a Shopify location) of a channel: the quantity it last set there (its own
    push, recognised when Shopify echoes it back in ``inventory_levels/update``)
    and the quantity last known to be there (set or read), the
    ``changeFromQuantity`` of the next compare-and-set."""

    _name = "retail.sync.shopify.level"
    _description = "Retail Sync: Shopify inventory level"
    _log_access = False
    _order = "channel_id, inventory_item, location"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", ondelete="cascade")
    inventory_item = fields.Char("Inventory item", required=True)
    location = fields.Char("Shopify location", required=True)
    quantity = fields.Integer(
        "Known quantity", help="The available quantity last set or read in Shopify"
    )
    pushed_quantity = fields.Integer(
        "Quantity pushed", help="The available quantity Retail Sync last set"
    )
    pushed_at = fields.Datetime()
    read_at = fields.Datetime(help="When drift repair last read it from Shopify")

    _sql_constraints = [
        (
            "channel_level_unique",
            "unique(channel_id, inventory_item, location)",
            "One row per channel and Shopify inventory level.",
        ),
    ]

    @api.model
    def _known(self, channel):
        """{(item gid, location gid): row} of a channel."""
        return {
            (row.inventory_item, row.location): row
            for row in self.search([("channel_id", "=", channel.id)])
        }

    @api.model
    def _record_pushed(self, channel, applied, products_by_item):
        """Remember quantities set: {(item, location): (quantity, replaced)}."""
        self._upsert(
            channel,
            [
                (item, location, products_by_item.get(item), quantity)
                for (item, location), (quantity, _old) in applied.items()
            ],
            pushed=True,
        )

    @api.model
    def _record_read(self, channel, levels, products_by_item):
        """Remember quantities read: {(item, location): quantity}."""
        self._upsert(
            channel,
            [
                (item, location, products_by_item.get(item), quantity)
                for (item, location), quantity in levels.items()
                if quantity is not None
            ],
            pushed=False,
        )

    def _upsert(self, channel, rows, pushed):
        if not rows:
            return
        self.flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, now() at time zone 'UTC')",
                channel.id,
                product_id,
                item,
                location,
                int(quantity),
                int(quantity) if pushed else None,
            )
            for item, location, product_id, quantity in rows
        )
        stamp = SQL("pushed_at") if pushed else SQL("read_at")
        on_conflict = (
            SQL(
                "quantity = EXCLUDED.quantity,"
                " pushed_quantity = EXCLUDED.pushed_quantity,"
                " pushed_at = EXCLUDED.pushed_at,"
                " product_id = COALESCE(EXCLUDED.product_id,"
                " retail_sync_shopify_level.product_id)"
            )
            if pushed
            else SQL(
                "quantity = EXCLUDED.quantity, read_at = EXCLUDED.read_at,"
                " product_id = COALESCE(EXCLUDED.product_id,"
                " retail_sync_shopify_level.product_id)"
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_shopify_level (channel_id, product_id,
                       inventory_item, location, quantity, pushed_quantity, %s)
                VALUES %s
                ON CONFLICT (channel_id, inventory_item, location) DO UPDATE SET %s
                """,
                stamp,
                values,
                on_conflict,
            )
        )
        self.invalidate_model()
