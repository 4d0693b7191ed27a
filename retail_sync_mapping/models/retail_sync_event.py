# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import uuid
from datetime import UTC, datetime

from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine import canonical, contracts, masking


class RetailSyncEvent(models.Model):
    _inherit = "retail.sync.event"

    @api.model
    def _store_mapping_dead_letter(self, channel, contract, event, delivery_id, error):
        """Store a native message that could not be mapped as a dead event of its
        contract, in the inbox, naming the field: it blocks its ordering key like
        any dead letter, and a manager edits the payload and replays it (or fixes
        the mapping and maps the message again). Returns the event, or an empty
        recordset when that id was already stored."""
        event = dict(event)
        event.setdefault("id", f"native:{delivery_id}")
        event.setdefault("data", {})
        info = self.env["retail.sync.contract"]._contract_index()[
            (contract.event_type, contract.version)
        ]
        occurred_at = event.get("occurred_at")
        try:
            moment = datetime.fromisoformat(occurred_at).astimezone(UTC)
        except (TypeError, ValueError):
            moment = datetime.now(UTC)
            event["occurred_at"] = moment.isoformat(timespec="seconds")
        now = fields.Datetime.now()
        row = (
            channel.id,
            channel.company_id.id,
            str(event["id"])[:128] or f"native:{uuid.uuid4()}",
            contract.event_type,
            contract.version,
            contract.id,
            info["domain"],
            contracts.ordering_key(info["ordering_key_template"], event),
            None,
            moment.replace(tzinfo=None),
            now,
            json.dumps(masking.mask_card_numbers(event)),
            canonical.payload_hash(event),
            "dead",
            0,
            self.env.uid,
            now,
            self.env.uid,
            now,
        )
        inserted = self._insert_rows([row])
        if not inserted:
            return self.browse()
        dead = self.browse(next(iter(inserted.values()))[0])
        dead.write({"error_message": error, "processed_at": now})
        return dead
