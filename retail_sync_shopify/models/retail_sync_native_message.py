# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..engine import admin_api

ECHO_TOPIC = "inventory_levels/update"


class RetailSyncNativeMessage(models.Model):
    """Shopify echoes every quantity set through its API as an
    ``inventory_levels/update`` webhook: one that carries the quantity Retail
    Sync last set for that item and location is its own push coming back, and
    is skipped with that reason instead of being mapped."""

    _inherit = "retail.sync.native.message"

    def _map_and_store(self, document):
        self.ensure_one()
        echo = self._shopify_echo(document)
        if echo:
            return self._conclude("skipped", echo)
        return super()._map_and_store(document)

    def _shopify_echo(self, document):
        """The reason this message is the echo of our own push, or None."""
        channel = self.channel_id.sudo()
        if channel.push_format != "shopify" or document.get("topic") != ECHO_TOPIC:
            return None
        body = document.get("body")
        if not isinstance(body, dict):
            return None
        item, location = body.get("inventory_item_id"), body.get("location_id")
        available = body.get("available")
        if item in (None, "") or location in (None, "") or available is None:
            return None
        level = (
            self.env["retail.sync.shopify.level"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("inventory_item", "=", admin_api.item_gid(item)),
                    ("location", "=", admin_api.location_gid(location)),
                    ("pushed_at", "!=", False),
                ],
                limit=1,
            )
        )
        if not level or level.pushed_quantity != available:
            return None
        return (
            f"echo of Retail Sync's own push: available {available} for inventory "
            f"item {item} at location {location} is the quantity Odoo set there "
            f"(pushed {level.pushed_at}); not applied back"
        )
