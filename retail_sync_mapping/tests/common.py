# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import pathlib
import uuid

from odoo.addons.retail_sync_mapping.engine import native
from odoo.addons.retail_sync_queue.tests.common import DrainMixin

FIXTURES = pathlib.Path(__file__).parent / "fixtures"

HEADERS = {
    "shopify": {
        "topic": "X-Shopify-Topic",
        "signature": "X-Shopify-Hmac-Sha256",
        "delivery": "X-Shopify-Webhook-Id",
        "extra": {
            "X-Shopify-Shop-Domain": "retail-sync-demo.myshopify.com",
            "X-Shopify-API-Version": "2026-04",
        },
    },
    "woocommerce": {
        "topic": "X-WC-Webhook-Topic",
        "signature": "X-WC-Webhook-Signature",
        "delivery": "X-WC-Webhook-Delivery-ID",
        "extra": {
            "X-WC-Webhook-Source": "https://shop.example.com/",
            "X-WC-Webhook-ID": "12",
        },
    },
}


def fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


class NativeMixin(DrainMixin):
    """A storefront channel on a preset mapping, its webhook secret, a stocked lamp,
    and native webhooks posted over real HTTP, signed as the platform signs."""

    platform = "shopify"
    secret = "shpss_0123456789abcdef0123456789abcdef"

    @classmethod
    def setup_native(cls, code):
        cls.Event = cls.env["retail.sync.event"]
        cls.Message = cls.env["retail.sync.native.message"]
        cls.mapping = cls.env["retail.sync.mapping"].search(
            # Version 1, the one this addon ships (the platform addons add later
            # versions with more rules).
            [
                ("code", "=", cls.platform),
                ("version", "=", 1),
                ("is_preset", "=", True),
            ],
            limit=1,
        )
        cls.central = cls.env["stock.warehouse"].create(
            {"name": f"Native {code}", "code": code[:5]}
        )
        cls.channel, cls.key = cls.make_channel(
            code,
            kind="ecommerce",
            fulfilment_warehouse_id=cls.central.id,
            mapping_id=cls.mapping.id,
        )
        cls.channel.sudo().native_secret = cls.secret
        cls.lamp = cls.env["product.product"].create(
            {"name": "Desk lamp", "default_code": "MAP-LAMP", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.lamp, cls.central.lot_stock_id, 10
        )

    def send(self, topic, payload, delivery_id=None, secret=None, headers=None):
        """POST a native webhook as the platform does; the response."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        names = HEADERS[self.platform]
        all_headers = {
            "Content-Type": "application/json",
            names["topic"]: topic,
            names["delivery"]: delivery_id or str(uuid.uuid4()),
            names["signature"]: native.signature_of(secret or self.secret, body),
            **names["extra"],
        }
        all_headers.update(headers or {})
        return self.url_open(
            f"/retail_sync/v1/native/{self.channel.code}",
            data=body,
            headers=all_headers,
        )

    def message(self, delivery_id):
        return self.Message.search(
            [("channel_id", "=", self.channel.id), ("delivery_id", "=", delivery_id)]
        )
