# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import mapper


class RetailSyncMappingRule(models.Model):
    """One native message kind (a webhook topic, optionally narrowed by a
    condition) and how it becomes a canonical event, or why it is skipped."""

    _name = "retail.sync.mapping.rule"
    _description = "Retail Sync Native Mapping Rule"
    _order = "mapping_id, sequence, id"

    mapping_id = fields.Many2one(
        "retail.sync.mapping", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(required=True)
    topic = fields.Char(
        required=True,
        help="The topic this rule recognises: orders/create; a pattern such as "
        "customers/* or customer.*",
    )
    condition = fields.Char(
        help="JMESPath expression; the rule applies only when it is true, e.g. "
        "body.status == 'cancelled'",
    )
    action = fields.Selection(
        [("map", "Map to a canonical event"), ("skip", "Skip with a reason")],
        required=True,
        default="map",
    )
    skip_reason = fields.Char(help="Recorded on every message this rule skips")
    event_type = fields.Char("Canonical type", help="e.g. ecom.order.created")
    schema_version = fields.Integer(default=1)
    contract_id = fields.Many2one(
        "retail.sync.contract",
        compute="_compute_contract_id",
        help="The installed contract of this type and version; without one the rule "
        "skips its messages, saying so",
    )
    for_each = fields.Char(
        help="JMESPath expression yielding a list: one event per element, available "
        "as `item` (the refunds inside a WooCommerce order)",
    )
    id_expression = fields.Char(
        "Event id",
        default="delivery_id",
        help="JMESPath giving the canonical id, the idempotency key: the platform's "
        "own id (delivery_id is the first delivery id header present)",
    )
    occurred_at_expression = fields.Char(
        "Occurred at", help="JMESPath giving when it happened (ISO 8601 or epoch)"
    )
    ordering_key_expression = fields.Char(
        "Ordering key", help="JMESPath; empty: the contract's ordering key template"
    )
    sequence_expression = fields.Char(
        "Sequence number", help="JMESPath giving an integer increasing per ordering key"
    )
    field_ids = fields.One2many(
        "retail.sync.mapping.field", "rule_id", "Data fields", copy=True
    )

    @api.depends("event_type", "schema_version")
    def _compute_contract_id(self):
        Contract = self.env["retail.sync.contract"].sudo()
        for rule in self:
            rule.contract_id = rule.event_type and Contract.search(
                [
                    ("event_type", "=", rule.event_type),
                    ("version", "=", rule.schema_version),
                ],
                limit=1,
            )

    @api.constrains(
        "condition",
        "for_each",
        "id_expression",
        "occurred_at_expression",
        "ordering_key_expression",
        "sequence_expression",
        "action",
        "event_type",
    )
    def _check_expressions(self):
        for rule in self:
            for name in (
                "condition",
                "for_each",
                "id_expression",
                "occurred_at_expression",
                "ordering_key_expression",
                "sequence_expression",
            ):
                problem = mapper.expression_problem(rule[name])
                if problem:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s, %(field)s: %(problem)s",
                            rule=rule.name,
                            field=rule._fields[name].string,
                            problem=problem,
                        )
                    )
            if rule.action == "map" and not (
                rule.event_type and rule.id_expression and rule.occurred_at_expression
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %s maps: give its canonical type, event id and occurred "
                        "at.",
                        rule.name,
                    )
                )

    def _spec(self):
        """The rule as the mapping engine takes it (engine/mapper.py)."""
        self.ensure_one()
        return {
            "name": self.name,
            "topic": self.topic,
            "condition": self.condition or "",
            "for_each": self.for_each or "",
            "event_type": self.event_type,
            "schema_version": self.schema_version,
            "id": {"expression": self.id_expression, "transform": "string"},
            "occurred_at": {
                "expression": self.occurred_at_expression,
                "transform": "datetime",
            },
            "ordering_key": {"expression": self.ordering_key_expression or ""},
            "sequence": {"expression": self.sequence_expression or ""},
            "fields": [f._spec() for f in self.field_ids],
        }

    @api.model
    def _values_from_preset(self, rule):
        values = {
            "name": rule["name"],
            "topic": rule["topic"],
            "sequence": rule.get("sequence", 10),
            "action": rule.get("action", "map"),
            "active": rule.get("active", True),
            "condition": rule.get("condition") or False,
            "skip_reason": rule.get("skip_reason") or False,
            "event_type": rule.get("event_type") or False,
            "schema_version": rule.get("schema_version", 1),
            "for_each": rule.get("for_each") or False,
            "id_expression": rule.get("id", "delivery_id"),
            "occurred_at_expression": rule.get("occurred_at") or False,
            "ordering_key_expression": rule.get("ordering_key") or False,
            "sequence_expression": rule.get("sequence_from") or False,
        }
        values["field_ids"] = [
            Command.create(
                {
                    "sequence": position,
                    "target": field["target"],
                    "expression": field.get("expression") or False,
                    "transform": field.get("transform", ""),
                    "argument": field.get("argument") or False,
                    "required": field.get("required", False),
                }
            )
            for position, field in enumerate(rule.get("fields", []))
        ]
        return values
