# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools

from odoo.addons.retail_sync_queue.tests.common import DrainMixin, perform_pending_jobs

_ids = itertools.count(1)


class CustomersMixin(DrainMixin):
    """A storefront (GB) and a store POS (DE) channel, and helpers to send
    customer events through the inbox and the drain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["retail.sync.event"]
        cls.Partner = cls.env["res.partner"]
        cls.Review = cls.env["retail.sync.customer.review"]
        cls.gb = cls.env.ref("base.uk")
        cls.de = cls.env.ref("base.de")
        cls.web, cls.web_key = cls.make_channel(
            "CUS-WEB", kind="ecommerce", customer_country_id=cls.gb.id
        )
        cls.pos, cls.pos_key = cls.make_channel(
            "CUS-POS", kind="pos", customer_country_id=cls.de.id
        )

    def upsert_event(
        self, customer_id, occurred_at="2026-11-27T10:00:00+00:00", **data
    ):
        return {
            "id": f"cust-{next(_ids)}",
            "type": "customer.upserted",
            "schema_version": 1,
            "occurred_at": occurred_at,
            "data": {"customer_id": customer_id, **data},
        }

    def send(self, *events, channel=None):
        self.ingest(*events, channel=channel or self.web)
        perform_pending_jobs(self.env)
        return [self.event(e["id"], channel=channel or self.web) for e in events]

    def upsert(self, customer_id, channel=None, **data):
        (event,) = self.send(self.upsert_event(customer_id, **data), channel=channel)
        return event

    def bound(self, channel, customer_id):
        binding = self.env["retail.sync.binding"].search(
            [
                ("channel_id", "=", channel.id),
                ("kind", "=", "customer"),
                ("external_ref", "=", customer_id),
            ]
        )
        return binding._target() if binding else self.Partner
