# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine import contracts

from ..engine import mapper


class RetailSyncMappingTry(models.TransientModel):
    """Try it: a native payload pasted in, the canonical events it maps to and
    their contract check, as the endpoint would store them (nothing is stored)."""

    _name = "retail.sync.mapping.try"
    _description = "Retail Sync: try a native mapping"

    mapping_id = fields.Many2one("retail.sync.mapping", required=True)
    channel_id = fields.Many2one(
        "retail.sync.channel",
        help="For lookups through bindings: the channel whose bindings are read",
    )
    topic = fields.Char(help="The topic header's value, e.g. orders/create")
    delivery_id = fields.Char(default="try-1")
    headers = fields.Text(help="Other headers, as a JSON object (optional)")
    payload = fields.Text("Native payload", help="The webhook's JSON body")
    result = fields.Text("Canonical events", compute="_compute_result")
    check = fields.Text("Contract check", compute="_compute_result")
    ok = fields.Boolean(compute="_compute_result")

    @api.depends(
        "mapping_id", "channel_id", "topic", "delivery_id", "headers", "payload"
    )
    def _compute_result(self):
        for wizard in self:
            events, lines = wizard._try()
            wizard.result = (
                json.dumps(events, indent=2, ensure_ascii=False) if events else False
            )
            wizard.ok = bool(lines) and all(line.startswith("OK") for line in lines)
            wizard.check = "\n".join(lines) or False

    def _try(self):
        """([events], [check lines]): what mapping this payload gives."""
        if not self.payload:
            return [], []
        try:
            body = json.loads(self.payload)
            headers = json.loads(self.headers) if self.headers else {}
            if not isinstance(headers, dict):
                raise ValueError("headers must be a JSON object")
        except ValueError as exc:
            return [], [self.env._("Not JSON: %s", exc)]
        document = mapper.build_document(
            body, headers, self.topic or "", self.delivery_id or "try-1"
        )
        rules = self.mapping_id._matching_rules_safe(document)
        if isinstance(rules, mapper.MappingError):
            return [], [self.env._("Mapping error: %s", rules)]
        if not rules:
            return [], [
                self.env._(
                    "Skipped: no rule recognises topic %s", self.topic or "(none)"
                )
            ]
        lookup = self.channel_id._mapping_lookup() if self.channel_id else None
        schemas = self.env["retail.sync.contract"]._schemas()
        envelope = contracts.shared_envelope()
        events, lines = [], []
        for rule in rules:
            if rule.action == "skip":
                lines.append(
                    self.env._(
                        "Skipped by %(rule)s: %(reason)s",
                        rule=rule.name,
                        reason=rule.skip_reason or "-",
                    )
                )
                continue
            try:
                mapped = mapper.map_rule(rule._spec(), document, lookup)
            except mapper.MappingError as exc:
                lines.append(
                    self.env._(
                        "Mapping error in %(rule)s: %(error)s",
                        rule=rule.name,
                        error=exc,
                    )
                )
                continue
            for event in mapped:
                events.append(event)
                try:
                    problems = contracts.check_event(event, schemas, envelope)
                except contracts.UnknownContract as exc:
                    lines.append(self.env._("Not installed: %s", exc))
                    continue
                if problems:
                    lines.extend(
                        self.env._(
                            "Contract error in %(rule)s: %(pointer)s: %(reason)s",
                            rule=rule.name,
                            pointer=p.pointer or "/",
                            reason=p.reason,
                        )
                        for p in problems
                    )
                else:
                    lines.append(
                        self.env._(
                            "OK: %(id)s matches %(type)s v%(version)s",
                            id=event["id"],
                            type=event["type"],
                            version=event["schema_version"],
                        )
                    )
        return events, lines
