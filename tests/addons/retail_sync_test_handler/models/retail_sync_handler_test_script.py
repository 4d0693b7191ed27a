# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import (
    PermanentError,
    RetryableError,
    WaitingError,
)


class RetailSyncHandlerTestScript(models.AbstractModel):
    """test.script and test.count: a handler whose behaviour the test picks through
    data.message: "poison" can never apply, "flaky" times out, "store:<code>"
    links the record bound to that store code, "needs:<name>" waits until a
    "provides:<name>" event of the channel has applied, anything else applies."""

    _name = "retail.sync.handler.test.script"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: test script"

    @api.model
    def _apply_one(self, event):
        message = event.payload["data"].get("message", "")
        if message == "poison":
            raise PermanentError("poison pill: this event can never apply")
        if message == "flaky":
            raise RetryableError("timeout while talking to the warehouse")
        if message.startswith("needs:"):
            name = message[len("needs:") :]
            if not self._provided(event, name):
                raise WaitingError(self._dependency(event, name), f"waiting for {name}")
            return {"had": name}
        if message.startswith("provides:"):
            name = message[len("provides:") :]
            self.env["ir.config_parameter"].sudo().set_param(
                self._dependency(event, name), "1"
            )
            self.env["retail.sync.drain"]._release_waiting(
                [self._dependency(event, name)]
            )
            return {"provided": name}
        if message.startswith("store:"):
            store = self.env["retail.sync.binding"]._resolve(
                event.channel_id, "store", message[len("store:") :]
            )
            event._link(store)
            return {"store": store.display_name}
        return {"handled": message}

    @api.model
    def _dependency(self, event, name):
        return f"test:{event.channel_id.id}:{name}"

    @api.model
    def _provided(self, event, name):
        # A system parameter stands for the entity another event applies.
        return bool(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(self._dependency(event, name))
        )
