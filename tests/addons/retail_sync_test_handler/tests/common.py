# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.retail_sync_core.tests.common import make_event
from odoo.addons.retail_sync_queue.tests.common import DrainMixin


class PipelineMixin(DrainMixin):
    """A channel and helpers to ingest test.script events (applied by this addon's
    scripted handler) and drain their keys."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, cls.key = cls.make_channel("PIPE", gap_timeout=60)
        cls.Event = cls.env["retail.sync.event"]

    def ping(self, event_id, key, sequence=None, message="ok", **fields):
        if sequence is not None:
            fields["sequence"] = sequence
        return make_event(
            event_id=event_id,
            event_type="test.script",
            ordering_key=key,
            data={"message": message},
            **fields,
        )
